using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration;
using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Cli.Hosting;

/// <summary>Loads a node's HOCON configuration (the shipped file by default) with environment
/// overrides, turning every configuration error into an operator message with exit code 78.</summary>
public static class NodeConfiguration
{
    /// <summary>The shipped configuration for a role, copied beside the executable at build time.</summary>
    public static string ShippedFile(string role) => Path.Combine(AppContext.BaseDirectory, "hocon", $"{role}.conf");

    /// <summary>Loads the file; <paramref name="flags"/> (configuration key → value, from command-line
    /// flags) override it, so a flag can stand in for a setting the file leaves out.</summary>
    public static IConfigurationRoot Load(string path, IReadOnlyDictionary<string, string?>? flags = null)
    {
        try
        {
            var builder = new ConfigurationBuilder().AddHoconFile(Path.GetFullPath(path), optional: false, Environment.GetEnvironmentVariable);
            var given = flags?.Where(flag => flag.Value is not null).ToDictionary();
            if (given is { Count: > 0 })
            {
                builder.AddInMemoryCollection(given);
            }
            return builder.Build();
        }
        catch (HoconException error)
        {
            throw new CliException($"invalid configuration: {error.Message}", ExitCodes.Config, error);
        }
    }

    /// <summary>Reads typed options, reporting a bad value with its file, line and key.</summary>
    public static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ConfigurationValueException error)
        {
            throw new CliException($"invalid configuration: {error.Message}", ExitCodes.Config, error);
        }
    }
}
