using Xunit;

namespace SecureMonitor.Cli.Tests;

public sealed class NodeCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sm-node-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Watcher_flags_stand_in_for_settings_the_file_leaves_out()
    {
        var file = Path.Combine(_directory, "watcher.conf");
        await File.WriteAllTextAsync(file, "watcher { thresholds = [] }\n");
        var identity = Path.Combine(_directory, "no-such-identity");

        var run = await CliRun.InvokeAsync("watcher", "--config", file, "--identity", identity, "--monitor", "127.0.0.1:9",
            "--data", Path.Combine(_directory, "data"));

        // Past the configuration (no exit 78 for the keys the flags gave): it stops at the missing bundle.
        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Contains(identity, run.Error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_watcher_refuses_a_private_key_others_can_read_saying_how_to_fix_it_with_exit_77()
    {
        var pki = Path.Combine(_directory, "pki");
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "init", "--dir", pki)).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "issue-watcher", "web-01", "--dir", pki)).ExitCode);
        var bundle = Path.Combine(pki, "watchers", "web-01");
        var key = Path.Combine(bundle, "private-key.pem");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var run = await CliRun.InvokeAsync("watcher", "--identity", bundle, "--monitor", "127.0.0.1:9", "--data", Path.Combine(_directory, "data"));

        Assert.Equal(ExitCodes.NoPermission, run.ExitCode);
        Assert.Contains($"Permissions 0644 for '{key}' are too open", run.Error);
        Assert.Contains($"chmod 600 '{key}'", run.Error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_monitor_refuses_its_private_key_when_others_can_read_it_with_exit_77()
    {
        var pki = Path.Combine(_directory, "pki");
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "init", "--dir", pki)).ExitCode);
        var key = Path.Combine(pki, "monitor", "monitor.key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var run = await CliRun.InvokeAsync("monitor", "--pki", pki, "--listen", "127.0.0.1:0", "--data", Path.Combine(_directory, "data"));

        Assert.Equal(ExitCodes.NoPermission, run.ExitCode);
        Assert.Contains($"Permissions 0640 for '{key}' are too open", run.Error);
        Assert.Contains($"chmod 600 '{key}'", run.Error);
    }

    [Fact]
    public async Task A_malformed_monitor_endpoint_flag_is_a_usage_error()
    {
        var run = await CliRun.InvokeAsync("watcher", "--monitor", "nowhere");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--monitor", run.Error);
    }

    [Fact]
    public async Task A_monitor_without_a_pki_directory_says_how_to_make_one()
    {
        var run = await CliRun.InvokeAsync("monitor", "--pki", Path.Combine(_directory, "no-pki"), "--listen", "127.0.0.1:0",
            "--data", Path.Combine(_directory, "data"));

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Contains("pki init", run.Error);
    }

    private async Task<string> MonitorConfigAsync(string store)
    {
        var file = Path.Combine(_directory, "monitor.conf");
        await File.WriteAllTextAsync(file, $$"""
            monitor {
              node-id = "m1"
              listen = "127.0.0.1:0"
              pki-dir = "{{Path.Combine(_directory, "no-pki")}}"
              data-dir = "{{Path.Combine(_directory, "data")}}"
              store {
            {{store}}
              }
            }
            """);
        return file;
    }

    [Theory]
    [InlineData("    kind = mysql", 7, "monitor:store:kind", "expected sqlite or postgres")]
    [InlineData("    kind = postgres\n    postgres.connection-string = \"\"", 8, "monitor:store:postgres:connection-string", "SM_STORE_POSTGRES_CONNECTION")]
    [InlineData("    kind = postgres\n    postgres.connection-string = \"Host=db\"\n    postgres.command-timeout = 0s", 9,
        "monitor:store:postgres:command-timeout", "between 1s and 1d")]
    public async Task A_bad_store_setting_is_refused_naming_the_file_line_and_key(string store, int line, string key, string reason)
    {
        var file = await MonitorConfigAsync(store);

        var run = await CliRun.InvokeAsync("monitor", "--config", file);

        Assert.Equal(ExitCodes.Config, run.ExitCode);
        Assert.Contains($"{file}:{line}:", run.Error);
        Assert.Contains(key, run.Error);
        Assert.Contains(reason, run.Error);
    }

    [Fact]
    public async Task An_idle_timeout_shorter_than_a_second_is_refused_naming_the_key()
    {
        var file = await MonitorConfigAsync("    kind = sqlite");
        await File.AppendAllTextAsync(file, "\ntransport { idle-timeout = 0s }\n");

        var run = await CliRun.InvokeAsync("monitor", "--config", file);

        Assert.Equal(ExitCodes.Config, run.ExitCode);
        Assert.Contains("transport:idle-timeout", run.Error);
        Assert.Contains("heartbeat", run.Error);
    }

    [Fact]
    public async Task A_malformed_postgres_connection_string_is_refused_without_showing_it()
    {
        var file = await MonitorConfigAsync("    kind = postgres\n    postgres.connection-string = \"Host=db;Password=hunter2;Port=x\"");

        var run = await CliRun.InvokeAsync("monitor", "--config", file);

        Assert.Equal(ExitCodes.Config, run.ExitCode);
        Assert.Contains("monitor:store:postgres:connection-string", run.Error);
        Assert.DoesNotContain("hunter2", run.Error + run.Output);
    }
}

public sealed class MonitorPortInUseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sm-port-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_monitor_whose_listen_port_is_taken_exits_with_its_own_code_naming_the_port()
    {
        using var pki = SecureMonitor.TestKit.Monitors.PkiFixture.WithWatchers("web-01");
        // Whoever holds the port, even with SO_REUSEPORT (what .NET's ReuseAddress sets on Linux, and what
        // a second monitor used to set), the monitor must refuse to share it.
        using var holder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        holder.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
        holder.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        holder.Listen();
        var port = ((System.Net.IPEndPoint)holder.LocalEndPoint!).Port;

        var run = await CliRun.InvokeAsync("monitor", "--pki", pki.Root, "--listen", $"127.0.0.1:{port}", "--cluster-port", "0",
            "--data", Path.Combine(_directory, "data"));

        Assert.Equal(ExitCodes.PortInUse, run.ExitCode);
        Assert.Contains($"port {port} on 127.0.0.1", run.Error);
        Assert.Contains("already in use", run.Error);
    }
}
