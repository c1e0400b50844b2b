using System.CommandLine;
using SecureMonitor.Admin.Client;
using SecureMonitor.Admin.Console;
using SecureMonitor.Cli.Hosting;
using SecureMonitor.Pki;
using SecureMonitor.Transport;
using Spectre.Console;

namespace SecureMonitor.Cli.Commands;

/// <summary>
/// <c>securemonitor admin</c>: the operator console. Without a command it is interactive (history,
/// Tab completion, <c>help</c>); with one (<c>admin --json hosts</c>) it runs it, prints the result
/// and exits with a code that says whether it worked.
/// </summary>
public static class AdminCommand
{
    public const string Name = "admin";

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "HOCON configuration (default: the shipped hocon/admin.conf)." };
        var identity = new Option<DirectoryInfo>("--identity") { Description = "Admin or viewer identity bundle (overrides admin.identity-dir)." };
        var monitors = new Option<string>("--monitor") { Description = "Monitor endpoints HOST:PORT[,HOST:PORT...]; any node works (overrides admin.monitors)." };
        var json = new Option<bool>("--json") { Description = "Print the monitor's JSON instead of tables (one line per event for tail)." };
        var timeZone = new Option<string>("--time-zone") { Description = "Show times in this IANA zone, or 'local' (overrides admin.time-zone)." };
        var words = new Argument<string[]>("command")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "A command and its arguments (e.g. 'hosts', 'alerts --since 10m'); none opens the interactive console. 'help' lists them.",
        };
        var command = new Command(Name, "Operator console for a monitor cluster, over mutual TLS with an admin (or read-only viewer) certificate.")
        {
            config, identity, monitors, json, timeZone, words,
        };
        // The console's own options (--host, --since, ...) belong to its commands: pass them through.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellation) =>
        {
            // Checked here too so that a bad flag exits as a usage error, not a configuration error.
            if (parse.GetValue(monitors) is { } list && !list.Split(',', StringSplitOptions.TrimEntries).All(text => MonitorEndpoint.TryParse(text, out _, out _)))
            {
                throw new CliException($"--monitor: '{list}' is not HOST:PORT[,HOST:PORT...]", ExitCodes.Usage);
            }
            var configuration = NodeConfiguration.Load(parse.GetValue(config)?.FullName ?? NodeConfiguration.ShippedFile("admin"), new Dictionary<string, string?>
            {
                ["admin:identity-dir"] = parse.GetValue(identity)?.FullName,
                ["admin:monitors"] = parse.GetValue(monitors),
                ["admin:time-zone"] = parse.GetValue(timeZone),
            });
            var options = NodeConfiguration.Read(() => AdminClientOptions.FromConfiguration(configuration));
            var zone = ResolveZone(options);
            using var bundle = LoadIdentity(options.IdentityDirectory);

            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var console = CreateConsole(output);
            await using var client = new AdminClient(options, bundle);
            var shell = new AdminShell(client, console, output, error, zone, parse.GetValue(json));
            ConsoleCancelEventHandler interrupt = (_, e) => e.Cancel = shell.Interrupt();
            System.Console.CancelKeyPress += interrupt;
            try
            {
                var given = parse.GetValue(words) ?? [];
                var exit = given.Length switch
                {
                    0 => await shell.RunInteractiveAsync(CreateLineReader(output), cancellation),
                    _ when given[0] == "help" => shell.Help(given.Skip(1).ToList()),
                    _ => await shell.RunAsync(given, cancellation),
                };
                return (int)exit;
            }
            finally
            {
                System.Console.CancelKeyPress -= interrupt;
            }
        });
        return command;
    }

    /// <summary>The console handles Ctrl-C itself (it stops the running command, not the console).</summary>
    public static bool HandlesInterrupts(ParseResult parse) => parse.CommandResult.Command.Name == Name;

    private static TimeZoneInfo ResolveZone(AdminClientOptions options)
    {
        try
        {
            return options.ResolveTimeZone();
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CliException($"unknown time zone '{options.TimeZone}' (an IANA name such as Europe/Berlin, or 'local')", ExitCodes.Usage, error);
        }
    }

    private static IdentityBundle LoadIdentity(string directory)
    {
        IdentityBundle bundle;
        try
        {
            bundle = IdentityBundle.Load(Path.GetFullPath(directory));
        }
        catch (PkiException error)
        {
            throw new CliException($"cannot load the admin identity: {error.Message}", ExitCodes.ForUnusableFile(error), error);
        }
        if (bundle.Identity.Role is not (CertificateRole.Admin or CertificateRole.Viewer))
        {
            bundle.Dispose();
            throw new CliException($"{directory} holds a {bundle.Identity.Role.ToWireName()} identity; the console needs an admin or viewer bundle " +
                "('securemonitor pki issue-admin NAME [--viewer]')", ExitCodes.DataError);
        }
        return bundle;
    }

    /// <summary>Tables go to the invocation's output; colours only on a terminal, a fixed width elsewhere.</summary>
    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!terminal)
        {
            console.Profile.Width = 200;
        }
        return console;
    }

    /// <summary>A line editor on a terminal; plain lines from a pipe or file (scripts, tests).</summary>
    private static ILineReader CreateLineReader(TextWriter output) =>
        System.Console.IsInputRedirected
            ? new PlainLineReader(System.Console.In)
            : new TerminalLineReader(new LineEditor(new TerminalKeys(), output, CommandCatalog.Complete));
}
