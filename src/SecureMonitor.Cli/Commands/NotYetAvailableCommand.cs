using System.CommandLine;

namespace SecureMonitor.Cli.Commands;

/// <summary>
/// A sub-command whose implementation has not landed yet. It says so plainly and exits with
/// <see cref="ExitCodes.Unavailable"/> instead of pretending to work.
/// </summary>
public static class NotYetAvailableCommand
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, object> Placeholders = [];

    /// <summary>Whether <paramref name="command"/> is one of these placeholders (the demo says so when it names one).</summary>
    public static bool IsPlaceholder(Command command) => Placeholders.TryGetValue(command, out _);

    public static Command Create(string name, string description, int issue)
    {
        var command = new Command(name, $"{description} (not available yet)");
        Placeholders.Add(command, issue);
        // Accept any arguments so the message below is what the operator sees, not a parse error.
        var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        command.Arguments.Add(rest);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Error.WriteLine(
                $"securemonitor {name}: not available yet in this build (planned in issue #{issue}).");
            return ExitCodes.Unavailable;
        });
        return command;
    }
}
