namespace SecureMonitor.Pki.Tests;

/// <summary>
/// Every directory the PKI makes is 0700 and every file 0600, whatever the umask; a secret file that others may
/// read is refused at load, as ssh refuses such a key, with a message that says how to fix it.
/// </summary>
public sealed class PrivateFilesTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
    private const UnixFileMode WorldReadable = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void Every_directory_of_a_PKI_is_0700_and_every_file_0600()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        fixture.Pki.IssueAdmin("viewer-1", viewer: true);
        fixture.Pki.AddMonitor("monitor-2", ["127.0.0.2"]);

        var directories = Directory.GetDirectories(fixture.Root, "*", SearchOption.AllDirectories).Prepend(fixture.Root).ToList();
        var files = Directory.GetFiles(fixture.Root, "*", SearchOption.AllDirectories);

        Assert.Contains(directories, d => Path.GetFileName(d) == "watchers"); // the folders between root and bundles too
        Assert.All(directories, d => Assert.True(File.GetUnixFileMode(d) == OwnerOnlyDirectory, $"{d} is {File.GetUnixFileMode(d)}"));
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFile, $"{f} is {File.GetUnixFileMode(f)}"));
    }

    [Fact]
    public void Missing_parents_of_a_PKI_directory_are_created_0700()
    {
        var top = Path.Combine(Path.GetTempPath(), "smpki-parents-" + Guid.NewGuid().ToString("N"));
        try
        {
            new PkiDirectory(Path.Combine(top, "a", "pki")).Init("test", []);

            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(top));
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(top, "a")));
        }
        finally
        {
            Directory.Delete(top, recursive: true);
        }
    }

    [Fact]
    public void A_private_key_readable_by_others_is_refused_naming_the_file_its_mode_and_the_chmod_that_fixes_it()
    {
        using var fixture = new PkiFixture();
        var bundle = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        var key = Path.Combine(bundle, IdentityBundle.PrivateKeyFileName);
        File.SetUnixFileMode(key, WorldReadable);

        var refusal = Assert.Throws<InsecureFileModeException>(() => IdentityBundle.Load(bundle));

        Assert.Equal(key, refusal.Path);
        Assert.Equal($"Permissions 0644 for '{key}' are too open: a private key must not be accessible by other users, so it is refused. " +
            $"Fix it with: chmod 600 '{key}'", refusal.Message);

        File.SetUnixFileMode(key, OwnerOnlyFile);
        using var loaded = IdentityBundle.Load(bundle);
        Assert.True(loaded.Certificate.HasPrivateKey);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    [InlineData(UnixFileMode.GroupExecute)]
    public void Any_access_for_group_or_others_to_a_pre_shared_key_is_refused(UnixFileMode extra)
    {
        using var fixture = new PkiFixture();
        var bundle = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        var psk = Path.Combine(bundle, IdentityBundle.PskFileName);
        File.SetUnixFileMode(psk, OwnerOnlyFile | extra);

        var refusal = Assert.Throws<InsecureFileModeException>(() => IdentityBundle.Load(bundle));

        Assert.Equal(psk, refusal.Path);
        Assert.Contains($"chmod 600 '{psk}'", refusal.Message);
    }

    [Fact]
    public void The_monitor_refuses_its_own_key_and_the_key_ring_when_others_may_read_them()
    {
        using var fixture = new PkiFixture();
        File.SetUnixFileMode(fixture.Paths.MonitorKey, WorldReadable);
        Assert.Equal(fixture.Paths.MonitorKey, Assert.Throws<InsecureFileModeException>(() => MonitorIdentity.Load(fixture.Paths)).Path);

        File.SetUnixFileMode(fixture.Paths.MonitorKey, OwnerOnlyFile);
        File.SetUnixFileMode(fixture.Paths.Keyring, WorldReadable);
        Assert.Equal(fixture.Paths.Keyring, Assert.Throws<InsecureFileModeException>(() => fixture.OpenKeyring()).Path);
    }

    [Fact]
    public void Issuing_refuses_a_CA_key_readable_by_others()
    {
        using var fixture = new PkiFixture();
        File.SetUnixFileMode(fixture.Paths.CaKey, WorldReadable);

        Assert.Equal(fixture.Paths.CaKey, Assert.Throws<InsecureFileModeException>(() => fixture.Pki.IssueWatcher("web-01")).Path);
    }
}
