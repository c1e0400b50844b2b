using SecureMonitor.Pki;

namespace SecureMonitor.Pki.Tests;

public sealed class BatchIssuanceTests
{
    [Fact]
    public void Issuing_watchers_in_one_pass_gives_each_a_loadable_bundle_and_a_key_in_the_keyring()
    {
        using var fixture = new PkiFixture();
        var issued = fixture.Pki.IssueWatchers(["web-01", "web-02", "db-01"]);

        Assert.Equal(3, issued.Count);
        foreach (var result in issued)
        {
            using var bundle = IdentityBundle.Load(result.BundleDirectory);
            Assert.Equal(result.KeyId, bundle.Psk!.KeyId);
        }
        Assert.Equal(["db-01", "web-01", "web-02"], fixture.Pki.List().Certificates.Where(listed => listed.Certificate.Role == CertificateRole.Watcher).Select(listed => listed.Certificate.Name).Order());
    }

    [Fact]
    public void Issuing_watchers_in_one_pass_writes_nothing_when_one_host_already_exists()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-02");

        Assert.Throws<PkiException>(() => fixture.Pki.IssueWatchers(["web-01", "web-02"]));
        Assert.False(Directory.Exists(fixture.Pki.Paths.WatcherBundle("web-01")));
    }
}
