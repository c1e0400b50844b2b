using System.CommandLine;
using SecureMonitor.Configuration;
using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Cli.Commands;

/// <summary>
/// <c>securemonitor config --config FILE [--json]</c>: prints the configuration a node would run
/// with, after includes, substitutions and environment overrides, with secrets redacted. Each line
/// says where its value came from (file:line, or the environment variable).
/// </summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--config", "-c")
        {
            Description = "HOCON file to load (e.g. hocon/monitor.conf).",
            Required = true,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of one line per setting." };
        var command = new Command("config", "Print the effective configuration (includes, substitutions and environment applied; secrets redacted).")
        {
            file,
            json,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetRequiredValue(file).FullName;
            var output = parseResult.InvocationConfiguration.Output;
            var root = Load(path);
            if (parseResult.GetValue(json))
            {
                output.WriteLine(root.ToJson(indented: true, redact: SecretSettings.IsSecret));
            }
            else
            {
                WriteSettings(root, output);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Loads a HOCON file with the process environment, turning errors into operator messages.</summary>
    internal static HoconObject Load(string path)
    {
        try
        {
            return HoconLoader.LoadFile(path, Environment.GetEnvironmentVariable);
        }
        catch (HoconException error)
        {
            throw new CliException($"invalid configuration: {error.Message}", ExitCodes.Config, error);
        }
    }

    private static void WriteSettings(HoconObject root, TextWriter output)
    {
        var leaves = root.EnumerateLeaves().ToList();
        var width = leaves.Count == 0 ? 0 : leaves.Max(leaf => leaf.Path.Length);
        foreach (var leaf in leaves)
        {
            var value = SecretSettings.IsSecret(leaf) ? $"\"{SecretSettings.Redacted}\"" : leaf.Value.ToJson(indented: false);
            output.WriteLine($"{leaf.Path.PadRight(width)} = {value,-24} # {leaf.Value.Origin.Describe()}");
        }
    }
}
