using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.Watcher.Spool;
using SecureMonitor.Watcher.Thresholds;
using Xunit;

namespace SecureMonitor.Watcher.Tests.Durability;

/// <summary>The watcher's data (spool, sequence, pushed rules) is its own: directories 0700, files 0600.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes
public sealed class DataDirectoryModeTests : IDisposable
{
    private const string Host = "web-03";
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    private readonly PkiFixture _pki = PkiFixture.WithWatchers(Host);
    private readonly string _top = Directory.CreateTempSubdirectory("sm-watcher-modes-").FullName;

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_top, recursive: true);
    }

    [Fact]
    public async Task A_watcher_creates_its_data_directory_0700_and_every_file_in_it_0600()
    {
        await RunUntilSpooledAsync(Path.Combine(_top, "var", "watcher")); // "var" does not exist yet either

        AssertOwnerOnly(Path.Combine(_top, "var"));
    }

    [Fact]
    public async Task A_data_directory_left_open_by_an_earlier_version_is_tightened()
    {
        string data = Path.Combine(_top, "old");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await RunUntilSpooledAsync(data);

        AssertOwnerOnly(data);
    }

    /// <summary>Runs a watcher with no monitor to reach until its spool, sequence file and pushed rules exist.</summary>
    private async Task RunUntilSpooledAsync(string data)
    {
        var options = new WatcherOptions
        {
            IdentityDirectory = _pki.Paths.WatcherBundle(Host),
            Monitors = [new Transport.MonitorEndpoint("127.0.0.1", 9)], // nobody there: messages stay in the spool
            DataDirectory = data,
            HeartbeatInterval = TimeSpan.FromMilliseconds(50),
        };
        await using (WatcherNode.Start(options, NullLoggerFactory.Instance, TimeProvider.System, () => new Dictionary<string, double>()))
        {
            string spool = Path.Combine(data, DurableSpool.DirectoryName);
            await Eventually.WaitUntilAsync(
                () => Directory.Exists(spool) && Directory.GetFiles(spool).Length >= 3 && File.Exists(Path.Combine(data, SequenceReservation.FileName)),
                () => "a spool segment, its lock and ack log, and the sequence file");
            new PushedRules(data).Save(new ThresholdUpdate { Revision = 1 });
        }
    }

    private static void AssertOwnerOnly(string root)
    {
        var directories = Directory.GetDirectories(root, "*", SearchOption.AllDirectories).Prepend(root).ToList();
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(directories, d => Assert.True(File.GetUnixFileMode(d) == OwnerOnlyDirectory, $"{d} is {File.GetUnixFileMode(d)}"));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFile, $"{f} is {File.GetUnixFileMode(f)}"));
    }
}
