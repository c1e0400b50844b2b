using System.CommandLine;
using System.Text.Json;
using SecureMonitor.Configuration.Units;
using SecureMonitor.Pki;

namespace SecureMonitor.Cli.Commands;

/// <summary>
/// <c>securemonitor pki ...</c>: the project CA and everything it issues. Private keys and PSKs
/// are written with mode 0600 and never printed.
/// </summary>
public static class PkiCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var pki = new Command("pki", "Certificate authority tooling: init, add-monitor, issue-watcher, issue-admin, revoke, rotate-key, list.");
        pki.Subcommands.Add(Init());
        pki.Subcommands.Add(AddMonitor());
        pki.Subcommands.Add(IssueWatcher());
        pki.Subcommands.Add(IssueAdmin());
        pki.Subcommands.Add(Revoke());
        pki.Subcommands.Add(RotateKey());
        pki.Subcommands.Add(List());
        return pki;
    }

    private static Option<DirectoryInfo> DirectoryOption() => new("--dir", "-d")
    {
        Description = "PKI directory (CA, monitor certificate, key ring, bundles).",
        DefaultValueFactory = _ => new DirectoryInfo("pki"),
    };

    private static Command Init()
    {
        var dir = DirectoryOption();
        var names = new Option<string[]>("--name", "-n")
        {
            Description = "DNS name or IP address the monitor certificate is valid for (repeatable). Default: localhost and 127.0.0.1.",
            AllowMultipleArgumentsPerToken = false,
        };
        var caName = new Option<string>("--ca-name") { Description = "Name shown in the CA certificate.", DefaultValueFactory = _ => "SecureMonitor" };
        var command = new Command("init", "Create a CA, a monitor server certificate and an admin client certificate. Refuses to overwrite an existing CA.")
        {
            dir, names, caName,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var given = parse.GetValue(names) is { Length: > 0 } list ? list : ["localhost", "127.0.0.1"];
            var result = Open(parse, dir).Init(parse.GetRequiredValue(caName), given);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"Created PKI in {result.Directory}");
            output.WriteLine($"  CA:      {result.CaSubject} (valid until {result.CaNotAfter:yyyy-MM-dd}); ca/ca.key is the CA's private key: keep it offline");
            output.WriteLine($"  monitor: {result.Monitor.Name} for {string.Join(", ", result.MonitorNames)}");
            output.WriteLine($"  admin:   {result.Admin.BundleDirectory}");
            output.WriteLine("Next: securemonitor pki issue-watcher HOST --dir " + parse.GetRequiredValue(dir).FullName);
        }));
        return command;
    }

    private static Command AddMonitor()
    {
        var dir = DirectoryOption();
        var node = new Argument<string>("name") { Description = "Monitor node name (lower-case letters, digits, '.', '_', '-'); use it as the node's --node-id." };
        var names = new Option<string[]>("--name", "-n")
        {
            Description = "DNS name or IP address the node is dialled by (repeatable, at least one).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("add-monitor",
            "Issue a monitor node identity under DIR/monitors/NAME: certificate (server and client auth, for the cluster's mutual TLS), key and the CA certificate. " +
            "Refuses to overwrite an existing node; run the node with 'securemonitor monitor --pki DIR --identity DIR/monitors/NAME'.")
        {
            node, dir, names,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var result = Open(parse, dir).AddMonitor(parse.GetRequiredValue(node), parse.GetValue(names) ?? []);
            PrintIssued(parse, result.Issued);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"Names: {string.Join(", ", result.Names)}");
            output.WriteLine($"Run it with: securemonitor monitor --pki {parse.GetRequiredValue(dir).FullName} --identity {result.Issued.BundleDirectory} --node-id {result.Issued.Certificate.Name}");
        }));
        return command;
    }

    private static Command IssueWatcher()
    {
        var dir = DirectoryOption();
        var host = new Argument<string>("host") { Description = "Host id the watcher certificate names (lower-case letters, digits, '.', '_', '-')." };
        var force = new Option<bool>("--force") { Description = "Re-issue for a host that has a valid certificate (the old one is revoked)." };
        var command = new Command("issue-watcher", "Issue a watcher identity bundle: certificate, key, pre-shared key and the CA certificate.")
        {
            host, dir, force,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var result = Open(parse, dir).IssueWatcher(parse.GetRequiredValue(host), parse.GetValue(force));
            PrintIssued(parse, result);
        }));
        return command;
    }

    private static Command IssueAdmin()
    {
        var dir = DirectoryOption();
        var name = new Argument<string>("name") { Description = "Operator name the admin certificate names." };
        var viewer = new Option<bool>("--viewer") { Description = "Issue a read-only (viewer) certificate." };
        var force = new Option<bool>("--force") { Description = "Re-issue for a name that has a valid certificate (the old one is revoked)." };
        var command = new Command("issue-admin", "Issue an admin (or, with --viewer, read-only) console identity bundle.")
        {
            name, dir, viewer, force,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var result = Open(parse, dir).IssueAdmin(parse.GetRequiredValue(name), parse.GetValue(viewer), parse.GetValue(force));
            PrintIssued(parse, result);
        }));
        return command;
    }

    private static Command Revoke()
    {
        var dir = DirectoryOption();
        var name = new Argument<string>("name") { Description = "Host id, admin name or monitor node name whose certificate (and keys) to revoke." };
        var reason = new Option<string>("--reason") { Description = "Reason recorded in the revocation list.", DefaultValueFactory = _ => "revoked by operator" };
        var role = new Option<string>("--role")
        {
            Description = "Only when a watcher, an admin and a monitor node share the name: which one to revoke.",
        };
        role.AcceptOnlyFromAmong([.. Enum.GetValues<CertificateRole>().Select(candidate => candidate.ToWireName())]);
        var command = new Command("revoke", "Revoke a watcher's, admin's or monitor node's certificate and a watcher's pre-shared keys. Monitors pick it up within seconds.")
        {
            name, dir, reason, role,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            CertificateRole? only = CertificateRoleExtensions.TryParseWireName(parse.GetValue(role), out var parsed) ? parsed : null;
            var result = Open(parse, dir).Revoke(parse.GetRequiredValue(name), only, parse.GetRequiredValue(reason));
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"Revoked {result.Name}: {result.RevokedCertificates.Count} certificate(s)" +
                (result.RevokedKeyIds.Count > 0 ? $", key id(s) {string.Join(", ", result.RevokedKeyIds)}" : ""));
        }));
        return command;
    }

    private static Command RotateKey()
    {
        var dir = DirectoryOption();
        var host = new Argument<string>("host") { Description = "Host id whose pre-shared key to replace." };
        var grace = new Option<string>("--grace")
        {
            Description = "How long the old key id stays valid (e.g. 30m, 24h).",
            DefaultValueFactory = _ => "24h",
        };
        var command = new Command("rotate-key", "Give a watcher a new pre-shared key (new key id); the old one stays valid for the grace period.")
        {
            host, dir, grace,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var text = parse.GetRequiredValue(grace);
            if (!DurationFormat.TryParse(text, out var period, out var error))
            {
                throw new CliException($"--grace: {error}", ExitCodes.Usage);
            }
            var result = Open(parse, dir).RotateKey(parse.GetRequiredValue(host), period);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"Rotated {result.HostId}: new key id {result.NewKeyId}; key id {result.RetiringKeyId} valid until {result.RetiresAt:O}");
            output.WriteLine($"Copy {result.PskFile} to the watcher's identity directory before then.");
        }));
        return command;
    }

    private static Command List()
    {
        var dir = DirectoryOption();
        var json = new Option<bool>("--json") { Description = "Print JSON (no key material is ever included)." };
        var command = new Command("list", "List the CA, issued certificates (role, expiry, revoked) and each host's key ids and their state.")
        {
            dir, json,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var listing = Open(parse, dir).List();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(listing, Json));
                return;
            }
            output.WriteLine($"CA: {listing.CaSubject} (valid until {listing.CaNotAfter:yyyy-MM-dd})");
            output.WriteLine($"{"ROLE",-8} {"NAME",-24} {"SERIAL",-34} {"EXPIRES",-10} STATE");
            foreach (var listed in listing.Certificates)
            {
                var certificate = listed.Certificate;
                var state = listed.Revoked ? "revoked" : listed.Expired ? "expired" : "valid";
                output.WriteLine($"{certificate.Role.ToString().ToLowerInvariant(),-8} {certificate.Name,-24} {certificate.Serial,-34} {certificate.NotAfter:yyyy-MM-dd} {state}");
            }
            foreach (var host in listing.Hosts)
            {
                output.WriteLine($"keys of {host.HostId}: {string.Join("; ", host.Keys.Select(key => $"#{key.KeyId} {key.Describe()}"))}");
            }
        }));
        return command;
    }

    private static void PrintIssued(ParseResult parse, IssueResult result)
    {
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"Issued {result.Certificate.Role.ToString().ToLowerInvariant()} certificate for {result.Certificate.Name} " +
            $"(serial {result.Certificate.Serial}, valid until {result.Certificate.NotAfter:yyyy-MM-dd})" +
            (result.KeyId is { } keyId ? $", pre-shared key id {keyId}" : ""));
        output.WriteLine($"Bundle: {result.BundleDirectory} (copy it to the host; the key files are mode 0600)");
        foreach (var superseded in result.Superseded)
        {
            output.WriteLine($"Revoked the previous certificate {superseded.Serial} ({superseded.Reason})");
        }
    }

    private static PkiDirectory Open(ParseResult parse, Option<DirectoryInfo> dir) => new(parse.GetRequiredValue(dir).FullName);

    /// <summary>Runs a PKI operation, turning its refusals into operator messages and exit codes.</summary>
    private static int Run(ParseResult parse, Action operation)
    {
        try
        {
            operation();
            return ExitCodes.Ok;
        }
        catch (PkiException error)
        {
            throw new CliException(error.Message, ExitCodes.ForUnusableFile(error), error);
        }
        catch (ArgumentException error)
        {
            throw new CliException(error.ParamName is null ? error.Message : error.Message.Replace($" (Parameter '{error.ParamName}')", "", StringComparison.Ordinal), ExitCodes.Usage, error);
        }
    }
}
