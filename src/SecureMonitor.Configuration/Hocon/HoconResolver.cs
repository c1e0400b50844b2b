namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Replaces substitutions, concatenations and pending assignments by values, in place, once the
/// whole tree is parsed (so forward references work). Lookups resolve only what lies on their
/// path; a field met again while it is being resolved is a cycle. Paths not in the tree are
/// looked up in the environment (through the injected lookup) under their literal text.
/// </summary>
internal sealed class HoconResolver
{
    // Deep enough for any real configuration, shallow enough to fail before the stack does.
    private const int MaxDepth = 500;

    private readonly HoconObject root;
    private readonly Func<string, string?> environment;
    private readonly HashSet<HoconPendingAssignment> inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<HoconSubstitution> activeSubstitutions = [];

    // The pending assignments whose later value is being resolved, innermost last: they give
    // self-references their earlier value.
    private readonly List<HoconPendingAssignment> assignments = [];
    private int depth;

    private HoconResolver(HoconObject root, Func<string, string?> environment)
    {
        this.root = root;
        this.environment = environment;
    }

    public static void Resolve(HoconObject root, Func<string, string?> environment) =>
        new HoconResolver(root, environment).ResolveObjectInPlace(root);

    private void ResolveObjectInPlace(HoconObject obj)
    {
        if (obj.IsKnownResolved)
        {
            return;
        }

        foreach (var key in obj.SnapshotKeys())
        {
            if (ResolveField(obj, key) is { } value && ResolveFully(value) is { } resolved && !ReferenceEquals(resolved, value))
            {
                obj.Set(key, resolved);
            }
        }

        obj.MarkResolved();
    }

    /// <summary>Resolves a field far enough to know its kind; fields below an object may stay unresolved.</summary>
    private HoconValue? ResolveField(HoconObject parent, string key)
    {
        if (!parent.TryGetValue(key, out var value) || value is not HoconPendingAssignment pending)
        {
            return value;
        }

        var result = ResolvePending(pending);
        if (result is null)
        {
            parent.Remove(key);
        }
        else
        {
            parent.Set(key, result);
        }

        return result;
    }

    private HoconValue? ResolvePending(HoconPendingAssignment pending)
    {
        if (pending.HasResult)
        {
            return pending.Result;
        }

        if (!inProgress.Add(pending))
        {
            throw CycleError(pending);
        }

        Enter(pending.Origin);
        try
        {
            HoconValue? later;
            if (pending.Later is HoconObject laterObject)
            {
                later = laterObject; // its fields are pending assignments of their own
            }
            else
            {
                assignments.Add(pending);
                try
                {
                    later = ResolveFully(pending.Later);
                }
                finally
                {
                    assignments.RemoveAt(assignments.Count - 1);
                }
            }

            var result = later switch
            {
                null => pending.Earlier is null ? null : ResolveKind(pending.Earlier),
                HoconObject overriding when pending.Earlier is not null && ResolveKind(pending.Earlier) is HoconObject earlier
                    => HoconMerger.Merge(earlier, overriding),
                _ => later,
            };
            pending.SetResult(result);
            return result;
        }
        finally
        {
            inProgress.Remove(pending);
            depth--;
        }
    }

    /// <summary>Resolves a value far enough to know its kind: objects stay as they are, fields unresolved.</summary>
    private HoconValue? ResolveKind(HoconValue value) => value switch
    {
        HoconPendingAssignment pending => ResolvePending(pending),
        HoconObject obj => obj,
        _ => ResolveFully(value),
    };

    /// <summary>Resolves a value and everything below it; null when it is undefined.</summary>
    private HoconValue? ResolveFully(HoconValue value)
    {
        switch (value)
        {
            case HoconScalar:
                return value;
            case HoconObject obj:
                ResolveObjectInPlace(obj);
                return obj;
            case HoconArray array:
                return array.IsResolved ? array : ResolveArray(array);
            case HoconPendingAssignment pending:
                return ResolvePending(pending) is { } result ? ResolveFully(result) : null;
            case HoconSubstitution substitution:
                return ResolveSubstitution(substitution);
            case HoconConcatenation concatenation:
                return ResolveConcatenation(concatenation);
            default:
                throw new InvalidOperationException($"unexpected HOCON node {value.GetType().Name}");
        }
    }

    private HoconArray ResolveArray(HoconArray array)
    {
        var items = new List<HoconValue>(array.Count);
        foreach (var item in array.Items)
        {
            // An element that is an undefined optional substitution is left out.
            if (ResolveFully(item) is { } resolved)
            {
                items.Add(resolved);
            }
        }

        return new HoconArray(items, array.Origin);
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation concatenation)
    {
        var parts = new List<ConcatenationPart>(concatenation.Parts.Count);
        foreach (var part in concatenation.Parts)
        {
            if (ResolveFully(part.Value) is { } resolved)
            {
                // Whitespace before the first defined part would only be leading whitespace.
                parts.Add(new ConcatenationPart(parts.Count == 0 ? "" : part.LeadingWhitespace, resolved));
            }
        }

        return HoconConcatenator.Concatenate(parts, concatenation.AppendedKey, concatenation.Origin);
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution)
    {
        Enter(substitution.Origin);
        activeSubstitutions.Add(substitution);
        try
        {
            var value = LookUp(substitution);
            if (value is null && !substitution.IsSelfReference)
            {
                var name = substitution.Path.ToString();
                if (environment(name) is { } text)
                {
                    value = HoconScalar.String(text, substitution.Origin with { EnvironmentVariable = name });
                }
            }

            if (value is null && !substitution.Optional)
            {
                throw new HoconException(substitution.Origin, $"unresolved substitution {substitution}: '{substitution.Path}' is not in the configuration and no environment variable has that name");
            }

            return value;
        }
        finally
        {
            activeSubstitutions.RemoveAt(activeSubstitutions.Count - 1);
            depth--;
        }
    }

    private HoconValue? LookUp(HoconSubstitution substitution)
    {
        var assignment = assignments.Count > 0 ? assignments[^1] : null;
        if (substitution.IsSelfReference)
        {
            return assignment?.Earlier is { } earlier ? ResolveFully(earlier) : null;
        }

        string[] path = [.. substitution.IncludePrefix, .. substitution.Path.Segments];
        if (assignment?.FieldPath is { } own && path.AsSpan().StartsWith(own))
        {
            // A field referring to itself (or below itself) means the value it overrides.
            return assignment.Earlier is { } earlier ? LookUpBelow(earlier, path[own.Length..]) : null;
        }

        var value = LookUpBelow(root, path);
        if (value is null && substitution.IncludePrefix.Length > 0)
        {
            value = LookUpBelow(root, substitution.Path.Segments);
        }

        return value;
    }

    private HoconValue? LookUpBelow(HoconValue start, string[] path)
    {
        var current = ResolveKind(start);
        foreach (var segment in path)
        {
            if (current is not HoconObject obj)
            {
                return null;
            }

            current = ResolveField(obj, segment);
        }

        return current is null ? null : ResolveFully(current);
    }

    private void Enter(HoconOrigin origin)
    {
        if (++depth > MaxDepth)
        {
            throw new HoconException(origin, $"substitutions are nested more than {MaxDepth} levels deep");
        }
    }

    private HoconException CycleError(HoconPendingAssignment pending)
    {
        if (activeSubstitutions.Count == 0)
        {
            return new HoconException(pending.Origin, "cycle while resolving this value");
        }

        var chain = string.Join(" -> ", activeSubstitutions);
        return new HoconException(activeSubstitutions[^1].Origin, $"substitution cycle: {chain} leads back to a value that is still being resolved");
    }
}
