using FsCheck;
using FsCheck.Fluent;

namespace SecureMonitor.Tests.Fuzzing;

/// <summary>
/// Hostile inputs for the fuzzing properties: random sequences, and mutations of valid inputs (bit
/// flips, overwrites, insertions, deletions, truncation, extension, splices of two seeds, and a chunk
/// repeated many times, which is how deep nesting and huge counts are reached). Every input is at
/// most <see cref="MaxLength"/> elements, so a slow case means a slow component, not a big input.
/// </summary>
/// <remarks>Linked into every test project that fuzzes (tests/Fuzzing).</remarks>
internal static class FuzzInputs
{
    public const int MaxLength = 64 * 1024;

    /// <summary>Mostly short random sequences (FsCheck's size), now and then one up to <see cref="MaxLength"/>.</summary>
    public static Gen<T[]> Random<T>(Gen<T> element) =>
        Gen.Frequency(
            (19, element.ArrayOf()),
            (1, from length in Gen.Choose(0, MaxLength)
                from palette in element.ArrayOf(64)
                from seed in Gen.Choose(int.MinValue, int.MaxValue)
                select Fill(length, palette, seed)));

    /// <summary>A long sequence drawn from <paramref name="palette"/>: generating each element with FsCheck would cost more than the case.</summary>
    private static T[] Fill<T>(int length, T[] palette, int seed)
    {
        var random = new System.Random(seed);
        var result = new T[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = palette[random.Next(palette.Length)];
        }

        return result;
    }

    /// <summary>One to four mutations applied to one of <paramref name="seeds"/>.</summary>
    /// <param name="flipBit">Flips bit n (any int: taken modulo the element's width) of an element.</param>
    public static Gen<T[]> Mutated<T>(IReadOnlyList<T[]> seeds, Gen<T> element, Func<T, int, T> flipBit)
    {
        var mutation =
            from kind in Gen.Elements(Enum.GetValues<MutationKind>())
            from at in Gen.Choose(0, int.MaxValue)
            from other in Gen.Choose(0, int.MaxValue)
            from count in Gen.Frequency((4, Gen.Choose(1, 16)), (1, Gen.Choose(1, 256)))
            from repeats in Gen.Frequency((3, Gen.Choose(2, 64)), (1, Gen.Choose(64, MaxLength)))
            from value in element
            from extension in element.ArrayOf().Where(e => e.Length > 0)
            from donor in Gen.Elements(seeds.ToArray())
            select new Mutation<T>(kind, at, other, count, repeats, value, extension, donor);
        return
            from seed in Gen.Elements(seeds.ToArray())
            from mutations in mutation.ArrayOf().Where(m => m.Length > 0).Resize(4)
            select mutations.Aggregate(seed, (input, m) => m.ApplyTo(input, flipBit));
    }

    /// <summary>Flips bit <paramref name="bit"/> (mod 8) of a byte.</summary>
    public static byte FlipBit(byte value, int bit) => (byte)(value ^ (1 << (bit & 7)));

    /// <summary>Flips bit <paramref name="bit"/> (mod 16) of a UTF-16 code unit: lone surrogates and controls included.</summary>
    public static char FlipBit(char value, int bit) => (char)(value ^ (1 << (bit & 15)));

    public static Gen<byte> AnyByte { get; } = Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>Mostly the characters of <paramref name="syntax"/> (what the parser reacts to), sometimes any UTF-16 code unit.</summary>
    public static Gen<char> Characters(string syntax) =>
        Gen.Frequency((8, Gen.Elements(syntax.ToCharArray())), (1, Gen.Choose(0, 0xFFFF).Select(c => (char)c)));

    private enum MutationKind { FlipBit, Overwrite, Insert, Delete, Truncate, Extend, Splice, Repeat }

    private sealed record Mutation<T>(MutationKind Kind, int At, int Other, int Count, int Repeats, T Value, T[] Extension, T[] Donor)
    {
        public T[] ApplyTo(T[] input, Func<T, int, T> flipBit)
        {
            if (input.Length == 0)
            {
                return Kind is MutationKind.Insert or MutationKind.Extend ? Extension : input;
            }

            var at = At % input.Length;
            var end = Math.Min(input.Length, at + Count);
            T[] result;
            switch (Kind)
            {
                case MutationKind.FlipBit:
                    result = (T[])input.Clone();
                    result[at] = flipBit(result[at], Other);
                    return result;
                case MutationKind.Overwrite:
                    result = (T[])input.Clone();
                    result[at] = Value;
                    return result;
                case MutationKind.Insert:
                    result = [.. input[..at], .. Extension, .. input[at..]];
                    break;
                case MutationKind.Delete:
                    return [.. input[..at], .. input[end..]];
                case MutationKind.Truncate:
                    return input[..at];
                case MutationKind.Extend:
                    result = [.. input, .. Extension];
                    break;
                case MutationKind.Splice:
                    // The head of this input, the tail of another (or the same) valid one.
                    result = Donor.Length == 0 ? input[..at] : [.. input[..at], .. Donor[(Other % Donor.Length)..]];
                    break;
                default: // Repeat: the chunk [at, end) many times over, e.g. "{" or "a." thousands deep.
                    var chunk = input[at..end];
                    var times = Math.Min(Repeats, (MaxLength - input.Length) / chunk.Length + 1);
                    result = [.. input[..at], .. Enumerable.Repeat(chunk, times).SelectMany(c => c), .. input[end..]];
                    break;
            }

            return result.Length <= MaxLength ? result : result[..MaxLength];
        }
    }
}
