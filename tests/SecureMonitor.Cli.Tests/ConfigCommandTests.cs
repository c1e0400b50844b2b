using SecureMonitor.TestKit;
using Xunit;

namespace SecureMonitor.Cli.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sm-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("monitor.conf")]
    [InlineData("watcher.conf")]
    [InlineData("admin.conf")]
    public async Task Every_shipped_configuration_loads(string file)
    {
        var run = await CliRun.InvokeAsync("config", "--config", RepositoryRoot.File("hocon", file));

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("transport.max-frame-size", run.Output);
    }

    [Fact]
    public async Task Shipped_monitor_configuration_has_the_security_critical_settings()
    {
        var run = await CliRun.InvokeAsync("config", "--config", RepositoryRoot.File("hocon", "monitor.conf"), "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("64KiB", root.GetProperty("transport").GetProperty("max-frame-size").GetString());
        Assert.Equal("10s", root.GetProperty("transport").GetProperty("handshake-timeout").GetString());
        Assert.Equal("./pki", root.GetProperty("monitor").GetProperty("pki-dir").GetString());
        Assert.True(root.GetProperty("monitor").GetProperty("security").GetProperty("tamper-threshold").GetInt32() > 0);
        Assert.StartsWith("127.0.0.1:", root.GetProperty("monitor").GetProperty("listen").GetString());
    }

    [Fact]
    public async Task Every_shipped_setting_names_its_environment_variable()
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.File("hocon"), "*.conf", SearchOption.AllDirectories))
        {
            var lines = await File.ReadAllLinesAsync(file);
            for (var index = 0; index < lines.Length; index++)
            {
                var line = lines[index].Trim();
                var assignsScalar = System.Text.RegularExpressions.Regex.IsMatch(line, @"^[a-z][a-z0-9-]*\s*=\s*[^\s{\[$]");
                if (!assignsScalar)
                {
                    continue;
                }
                var key = line[..line.IndexOf('=')].Trim();
                var next = index + 1 < lines.Length ? lines[index + 1].Trim() : "";
                Assert.True(next.StartsWith(key, StringComparison.Ordinal) && next.Contains("${?SM_", StringComparison.Ordinal),
                    $"{file}:{index + 1}: '{key}' is not followed by an environment override '{key} = ${{?SM_...}}'");
            }
        }
    }

    [Fact]
    public async Task Environment_overrides_apply_and_name_their_variable()
    {
        var file = Path.Combine(_directory, "node.conf");
        await File.WriteAllTextAsync(file, "node {\n  port = 7800\n  port = ${?SM_TEST_CONFIG_PORT_1}\n}\n");
        Environment.SetEnvironmentVariable("SM_TEST_CONFIG_PORT_1", "9900");
        try
        {
            var run = await CliRun.InvokeAsync("config", "--config", file);

            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            Assert.Matches(@"node\.port\s+=\s+""9900"".*SM_TEST_CONFIG_PORT_1", run.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SM_TEST_CONFIG_PORT_1", null);
        }
    }

    [Fact]
    public async Task Secrets_are_redacted_in_both_formats()
    {
        var file = Path.Combine(_directory, "secret.conf");
        await File.WriteAllTextAsync(file, """
            monitor.store.postgres { connection-string = "Host=db;Password=hunter2" }
            notify { webhook-token = "t0ps3cret", webhook-url = "http://127.0.0.1:9/hook" }
            """);

        foreach (var args in new[] { new[] { "config", "--config", file }, ["config", "--config", file, "--json"] })
        {
            var run = await CliRun.InvokeAsync(args);

            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            Assert.DoesNotContain("hunter2", run.Output);
            Assert.DoesNotContain("t0ps3cret", run.Output);
            Assert.Contains("<redacted>", run.Output);
            Assert.Contains("http://127.0.0.1:9/hook", run.Output);
        }
    }

    [Fact]
    public async Task A_malformed_file_is_refused_with_file_line_and_column_and_exit_code_78()
    {
        var file = Path.Combine(_directory, "broken.conf");
        await File.WriteAllTextAsync(file, "a {\n  b = 1\n  c = }\n");

        var run = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(ExitCodes.Config, run.ExitCode);
        Assert.Contains($"{file}:3:7:", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var missing = Path.Combine(_directory, "absent.conf");

        var run = await CliRun.InvokeAsync("config", "--config", missing);

        Assert.Equal(ExitCodes.Config, run.ExitCode);
        Assert.Contains(missing, run.Error);
    }
}
