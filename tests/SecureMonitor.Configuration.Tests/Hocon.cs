using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

/// <summary>Shorthands shared by the tests: load text as "test.conf" with no environment.</summary>
internal static class Hocon
{
    public const string SourceName = "test.conf";

    public static readonly Func<string, string?> NoEnvironment = _ => null;

    public static HoconObject Load(string text, Func<string, string?>? environment = null, string? includeDirectory = null) =>
        HoconLoader.LoadString(text, SourceName, includeDirectory, environment ?? NoEnvironment);

    public static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    /// <summary>The text of the scalar at <paramref name="path"/>; fails if it is missing or not a scalar.</summary>
    public static string? Text(this HoconObject root, string path)
    {
        var value = root.Find(path) ?? throw new Xunit.Sdk.XunitException($"no value at '{path}'");
        return Assert.IsType<HoconScalar>(value).Text;
    }

    public static string[] Texts(this HoconObject root, string path) =>
        Assert.IsType<HoconArray>(root.Find(path)).Items.Select(item => Assert.IsType<HoconScalar>(item).Text!).ToArray();

    public static HoconException LoadFails(string text, Func<string, string?>? environment = null, string? includeDirectory = null) =>
        Assert.Throws<HoconException>(() => Load(text, environment, includeDirectory));
}
