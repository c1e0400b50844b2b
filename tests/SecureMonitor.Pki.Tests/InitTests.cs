using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

public sealed class InitTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Init_creates_the_layout_with_private_keys_and_secrets_readable_by_the_owner_only()
    {
        using var fixture = new PkiFixture();
        var paths = fixture.Paths;
        var admin = Path.Combine(paths.AdminBundle("admin"));

        foreach (var secret in new[] { paths.CaKey, paths.MonitorKey, paths.Keyring, Path.Combine(admin, IdentityBundle.PrivateKeyFileName) })
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(secret));
        foreach (var file in new[] { paths.CaCertificate, paths.MonitorCertificate, paths.RevocationList, paths.IssuedIndex, Path.Combine(admin, IdentityBundle.CaFileName) })
            Assert.True(File.Exists(file), file);
        foreach (var directory in new[] { paths.Root, Path.GetDirectoryName(paths.CaKey)!, admin })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Empty(Directory.GetFiles(paths.Root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_second_init_is_refused_and_leaves_the_CA_untouched()
    {
        using var fixture = new PkiFixture();
        var caKeyBefore = File.ReadAllText(fixture.Paths.CaKey);

        var refusal = Assert.Throws<PkiException>(() => new PkiDirectory(fixture.Root, fixture.Clock).Init("other", []));

        Assert.Contains("already exists", refusal.Message);
        Assert.Equal(caKeyBefore, File.ReadAllText(fixture.Paths.CaKey));
    }

    [Fact]
    public void The_CA_is_a_ten_year_P256_CA_that_can_sign_only_leaf_certificates()
    {
        using var fixture = new PkiFixture("acme");
        using var ca = fixture.LoadCa();

        Assert.Equal("CN=SecureMonitor CA (acme)", ca.Subject);
        var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal("1.2.840.10045.2.1", ca.PublicKey.Oid.Value); // id-ecPublicKey
        Assert.True(ca.NotAfter.ToUniversalTime() >= FakeTimeProvider.DefaultStart.UtcDateTime.AddYears(10));
    }

    [Fact]
    public void The_monitor_certificate_has_the_default_names_and_is_for_server_and_node_to_node_client_auth()
    {
        using var fixture = new PkiFixture();
        using var monitor = fixture.LoadMonitorCertificate();

        var san = monitor.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());
        var usages = monitor.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value));
        Assert.Equal(CertificateRole.Monitor, CertificateIdentity.FromCertificate(monitor).Role);
    }

    [Fact]
    public void The_monitor_certificate_carries_the_names_given_at_init()
    {
        using var fixture = new PkiFixture("test", "Monitor-1.example.org", "10.0.0.5", "::1");
        using var monitor = fixture.LoadMonitorCertificate();

        var san = monitor.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["monitor-1.example.org"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
    }

    [Fact]
    public void Init_creates_a_loadable_admin_bundle()
    {
        using var fixture = new PkiFixture();
        using var bundle = IdentityBundle.Load(fixture.InitResult.Admin.BundleDirectory);

        Assert.Equal(CertificateRole.Admin, bundle.Identity.Role);
        Assert.Equal("admin", bundle.Identity.Name);
        Assert.Null(bundle.Psk);
    }

    [Fact]
    public void A_bad_monitor_name_is_rejected_before_anything_is_written()
    {
        var root = Path.Combine(Path.GetTempPath(), "smpki-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<ArgumentException>(() => new PkiDirectory(root).Init("test", ["bad name!"]));

        Assert.Contains("bad name!", error.Message);
        Assert.False(Directory.Exists(root));
    }
}
