using System.Text.Json.Nodes;
using SecureMonitor.Admin.Client;
using SecureMonitor.Admin.Rendering;
using SecureMonitor.Protocol;
using Spectre.Console;

namespace SecureMonitor.Admin.Console;

/// <summary>How a console run ended; the values are the process exit codes.</summary>
public enum AdminExit
{
    Ok = 0,

    /// <summary>The command ran and failed, or the monitor refused it.</summary>
    Failed = 1,

    /// <summary>The command line was wrong (unknown command, malformed arguments).</summary>
    Usage = 64,

    /// <summary>No monitor could be reached, or the connection was lost.</summary>
    Unreachable = 69,

    /// <summary>Ctrl-C stopped a command that was not a live stream.</summary>
    Interrupted = 130,
}

/// <summary>
/// Runs console commands against the monitor and shows the outcome: as tables for people, or with
/// <c>--json</c> as the monitor's JSON (one document per command, one line per live event) for
/// scripts, with notes on stderr so stdout stays parseable. The same code serves one-shot commands
/// (<see cref="RunAsync"/>) and the interactive console (<see cref="RunInteractiveAsync"/>).
/// </summary>
public sealed class AdminShell(AdminClient client, IAnsiConsole console, TextWriter output, TextWriter errors, TimeZoneInfo zone, bool json)
{
    private readonly ResultRenderer _renderer = new(console, zone);
    private readonly Lock _lock = new();
    private CancellationTokenSource? _current;

    /// <summary>Stops the command running now (a live stream ends cleanly); false when none runs.</summary>
    public bool Interrupt()
    {
        lock (_lock)
        {
            if (_current is null)
            {
                return false;
            }
            _current.Cancel();
            return true;
        }
    }

    /// <summary>Runs one command given as the words the operator typed.</summary>
    public async Task<AdminExit> RunAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        if (CommandCatalog.Resolve(words) is not var (command, arguments))
        {
            Fail(CommandCatalog.Suggest(words));
            return AdminExit.Usage;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_lock)
        {
            _current = stop;
        }
        try
        {
            return command.Streams
                ? await StreamAsync(command, arguments, stop.Token)
                : Show(command, await client.RunAsync(command.Wire, arguments, stop.Token), noteRedirect: true, json => _renderer.Render(command.Wire, json));
        }
        catch (AdminUnreachableException error)
        {
            Fail(error.Message);
            return AdminExit.Unreachable;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Fail("interrupted; the monitor may still complete the command");
            return AdminExit.Interrupted;
        }
        finally
        {
            lock (_lock)
            {
                _current = null;
            }
        }
    }

    /// <summary>The interactive console: reads lines until end of input or <c>exit</c>; a failed
    /// command is reported and the console goes on.</summary>
    public async Task<AdminExit> RunInteractiveAsync(ILineReader reader, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await client.ConnectAsync(cancellationToken);
            if (!json)
            {
                _renderer.Note($"SecureMonitor admin console: {connection.Endpoint} as {client.Identity.Identity.Name} ({client.Identity.Identity.Role.ToString().ToLowerInvariant()}); " +
                    $"times in {zone.Id}. 'help' lists commands, Tab completes, Ctrl-D or 'exit' leaves.");
            }
        }
        catch (AdminUnreachableException error)
        {
            Fail(error.Message);
            return AdminExit.Unreachable;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = reader.ReadLine("sm> ");
            if (line is null)
            {
                return AdminExit.Ok;
            }
            var words = CommandLine.Split(line, out var problem);
            if (problem is not null)
            {
                Fail(problem);
                continue;
            }
            if (words.Count == 0)
            {
                continue;
            }
            if (words[0] is "exit" or "quit")
            {
                return AdminExit.Ok;
            }
            if (words[0] == "help")
            {
                Help(words.Skip(1).ToList());
                continue;
            }
            await RunAsync(words, cancellationToken);
        }
        return AdminExit.Ok;
    }

    private async Task<AdminExit> StreamAsync(ConsoleCommand command, IReadOnlyList<string> arguments, CancellationToken stop)
    {
        var first = true;
        await foreach (var result in client.StreamAsync(command.Wire, arguments, stop))
        {
            var exit = Show(command, result, noteRedirect: first, _renderer.RenderEvent);
            first = false;
            if (exit != AdminExit.Ok)
            {
                return exit;
            }
        }
        return AdminExit.Ok;
    }

    /// <summary>One answer: the redirect it took (once), then the result or why it failed.</summary>
    private AdminExit Show(ConsoleCommand command, AdminResult result, bool noteRedirect, Action<string> render)
    {
        if (noteRedirect && result.Redirect is { } redirect)
        {
            NoteRedirect(command, redirect);
        }
        var reply = result.Reply;
        if (!reply.Ok)
        {
            return Refused(reply);
        }
        if (json)
        {
            output.WriteLine(reply.Json);
            output.Flush();
        }
        else
        {
            render(reply.Json);
        }
        return AdminExit.Ok;
    }

    private AdminExit Refused(AdminReply reply)
    {
        var what = reply.Refusal == RejectionReason.None ? "failed" : $"refused ({reply.Refusal.ToMetricName()})";
        if (json)
        {
            output.WriteLine(new JsonObject
            {
                ["ok"] = false,
                ["error"] = reply.Error,
                ["refusal"] = reply.Refusal == RejectionReason.None ? null : reply.Refusal.ToMetricName(),
                ["usage"] = reply.UsageError,
            }.ToJsonString());
        }
        Fail($"{what}: {reply.Error}");
        return reply.UsageError ? AdminExit.Usage : AdminExit.Failed;
    }

    private void NoteRedirect(ConsoleCommand command, AdminRedirect redirect)
    {
        var text = $"{redirect.From} is a follower: '{command.Name}' was sent to the leader {redirect.LeaderNode} at {redirect.To}";
        if (json)
        {
            errors.WriteLine("note: " + text);
        }
        else
        {
            _renderer.Note(text);
        }
    }

    private void Fail(string message)
    {
        if (json)
        {
            errors.WriteLine("error: " + message);
        }
        else
        {
            _renderer.Error(message);
        }
    }

    /// <summary>Lists the commands (those starting with <paramref name="topic"/>'s word, if given).</summary>
    public AdminExit Help(IReadOnlyList<string> topic)
    {
        var commands = CommandCatalog.All.Where(command => topic.Count == 0 || command.Words[0] == topic[0]).ToList();
        if (commands.Count == 0)
        {
            Fail(CommandCatalog.Suggest(topic));
            return AdminExit.Usage;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Command").AddColumn("What it does").AddColumn("Changes");
        foreach (var command in commands)
        {
            table.AddRow(new Text(command.Usage), new Text(command.Summary), new Text(command.Changes ? "yes (admin, on the leader)" : ""));
        }
        table.Caption(new TableTitle("help, exit, quit; Tab completes; up/down recall earlier lines"));
        console.Write(table);
        return AdminExit.Ok;
    }
}
