using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

/// <summary><c>pki add-monitor</c>: one identity per monitor node, good as TLS server and as TLS client between nodes.</summary>
public sealed class MonitorNodeIdentityTests
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;

    [Fact]
    public void A_node_certificate_is_a_monitor_leaf_for_server_and_client_auth_with_the_names_given()
    {
        using var fixture = new PkiFixture();

        var result = fixture.Pki.AddMonitor("Node-2", ["Node-2.Example.org", "10.0.0.2", "::1"]);
        using var bundle = IdentityBundle.Load(result.Issued.BundleDirectory);

        Assert.Equal(fixture.Paths.MonitorBundle("node-2"), result.Issued.BundleDirectory);
        Assert.Equal(["node-2.example.org", "10.0.0.2", "::1"], result.Names);
        Assert.Equal(CertificateRole.Monitor, bundle.Identity.Role);
        Assert.Equal("node-2", bundle.Identity.Name);
        Assert.Contains("OU=monitor", bundle.Certificate.Subject);
        Assert.Equal([ServerAuth, ClientAuth], Usages(bundle.Certificate));
        var san = bundle.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["node-2.example.org"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.2"), IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        Assert.Equal(["urn:securemonitor:role:monitor"], SubjectAlternativeNames.ReadUris(bundle.Certificate));
        Assert.False(bundle.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Null(result.Issued.KeyId);
        var validator = new ServerCertificateValidator(fixture.LoadCa());
        Assert.True(validator.Validate(bundle.Certificate, null, fixture.Clock.GetUtcNow(), "node-2.example.org").Ok);
        Assert.True(validator.Validate(bundle.Certificate, null, fixture.Clock.GetUtcNow(), "10.0.0.2").Ok);
        Assert.Equal("name mismatch", validator.Validate(bundle.Certificate, null, fixture.Clock.GetUtcNow(), "localhost").FailureReason);
    }

    [Fact]
    public void The_init_monitor_certificate_carries_both_usages_too()
    {
        using var fixture = new PkiFixture();
        using var monitor = fixture.LoadMonitorCertificate();

        Assert.Equal([ServerAuth, ClientAuth], Usages(monitor));
    }

    [Fact]
    public void The_node_key_is_readable_by_the_owner_only_and_the_bundle_holds_the_CA()
    {
        using var fixture = new PkiFixture();

        var directory = fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]).Issued.BundleDirectory;

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(directory, IdentityBundle.PrivateKeyFileName)));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(fixture.Root));
        Assert.Equal(File.ReadAllText(fixture.Paths.CaCertificate), File.ReadAllText(Path.Combine(directory, IdentityBundle.CaFileName)));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void An_existing_node_is_never_overwritten()
    {
        using var fixture = new PkiFixture();
        var first = fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]);
        var keyFile = Path.Combine(first.Issued.BundleDirectory, IdentityBundle.PrivateKeyFileName);
        var keyBefore = File.ReadAllText(keyFile);

        var refusal = Assert.Throws<PkiException>(() => fixture.Pki.AddMonitor("NODE-2", ["10.0.0.3"]));

        Assert.Contains("'node-2' already has a certificate", refusal.Message);
        Assert.Contains(first.Issued.Certificate.Serial, refusal.Message);
        Assert.Equal(keyBefore, File.ReadAllText(keyFile));
        Assert.Single(fixture.Pki.List().Certificates, entry => entry.Certificate.Name == "node-2");
    }

    [Fact]
    public void A_revoked_node_whose_folder_is_still_there_is_not_overwritten_either()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]);
        fixture.Pki.Revoke("node-2");

        var refusal = Assert.Throws<PkiException>(() => fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]));

        Assert.Contains("already exists", refusal.Message);
    }

    [Fact]
    public void The_monitor_made_by_init_is_a_node_named_monitor_and_is_not_overwritten()
    {
        using var fixture = new PkiFixture();

        Assert.Throws<PkiException>(() => fixture.Pki.AddMonitor(PkiDirectory.DefaultMonitorNodeName, ["10.0.0.2"]));
    }

    [Fact]
    public void A_node_needs_at_least_one_name_and_a_valid_node_name_before_anything_is_written()
    {
        using var fixture = new PkiFixture();

        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => fixture.Pki.AddMonitor("node-2", [])).Message);
        Assert.Contains("monitor node name", Assert.Throws<ArgumentException>(() => fixture.Pki.AddMonitor("../node-2", ["10.0.0.2"])).Message);
        Assert.Contains("bad name!", Assert.Throws<ArgumentException>(() => fixture.Pki.AddMonitor("node-2", ["bad name!"])).Message);
        Assert.False(Directory.Exists(Path.Combine(fixture.Root, "monitors")));
        Assert.Equal(2, fixture.Pki.List().Certificates.Count);
    }

    [Fact]
    public void A_node_is_listed_and_revoked_like_any_identity()
    {
        using var fixture = new PkiFixture();
        var issued = fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]).Issued;

        var listed = Assert.Single(fixture.Pki.List().Certificates, entry => entry.Certificate.Name == "node-2");
        Assert.Equal(CertificateRole.Monitor, listed.Certificate.Role);
        Assert.Equal(issued.Certificate.Serial, listed.Certificate.Serial);
        Assert.False(listed.Revoked);

        var revoked = fixture.Pki.Revoke("node-2");

        Assert.Equal(issued.Certificate.Serial, Assert.Single(revoked.RevokedCertificates).Serial);
        Assert.Empty(revoked.RevokedKeyIds);
        Assert.True(Assert.Single(fixture.Pki.List().Certificates, entry => entry.Certificate.Name == "node-2").Revoked);
        Assert.True(fixture.OpenKeyring().IsRevoked(issued.Certificate.Serial));
        using var bundle = IdentityBundle.Load(issued.BundleDirectory);
        var validator = new ServerCertificateValidator(fixture.LoadCa(), fixture.OpenKeyring());
        Assert.Equal("revoked", validator.Validate(bundle.Certificate, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void A_node_and_a_watcher_of_the_same_name_are_revoked_one_role_at_a_time()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.AddMonitor("mon-1", ["10.0.0.2"]);
        fixture.Pki.IssueWatcher("mon-1");

        var ambiguous = Assert.Throws<PkiException>(() => fixture.Pki.Revoke("mon-1"));
        var result = fixture.Pki.Revoke("mon-1", CertificateRole.Monitor);

        Assert.Contains("Both a monitor and a watcher", ambiguous.Message);
        Assert.Equal(CertificateRole.Monitor, Assert.Single(result.RevokedCertificates).Role);
        Assert.Empty(result.RevokedKeyIds);
    }

    [Fact]
    public void A_node_certificate_cannot_act_as_a_watcher_or_an_admin_at_the_edge_although_it_has_client_auth()
    {
        using var fixture = new PkiFixture();
        using var node = IdentityBundle.Load(fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]).Issued.BundleDirectory);
        using var initMonitor = fixture.LoadMonitorCertificate();
        var validator = fixture.ClientValidator();

        foreach (var certificate in new[] { node.Certificate, initMonitor })
        {
            Assert.Contains(ClientAuth, Usages(certificate));
            // Refused for its role URI, not its key usage: no client role, so neither watcher nor admin.
            var result = validator.Validate(certificate, null, fixture.Clock.GetUtcNow());
            Assert.False(result.Ok);
            Assert.Equal(ValidationFailures.NotAClientCertificate, result.FailureReason);
            Assert.False(CertificateRole.Monitor.IsClientRole());
        }
    }

    [Fact]
    public void A_node_loads_its_own_identity_with_the_CA_of_the_PKI_directory()
    {
        using var fixture = new PkiFixture();
        var directory = fixture.Pki.AddMonitor("node-2", ["10.0.0.2"]).Issued.BundleDirectory;

        using var identity = MonitorIdentity.Load(fixture.Paths, directory);
        using var shared = MonitorIdentity.Load(fixture.Paths, "");

        Assert.Equal("node-2", identity.Identity.Name);
        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal(fixture.LoadCa().Thumbprint, identity.CaCertificate.Thumbprint);
        Assert.Equal(PkiDirectory.DefaultMonitorNodeName, shared.Identity.Name);
    }

    [Fact]
    public void A_node_identity_from_another_CA_is_refused()
    {
        using var ours = new PkiFixture();
        using var theirs = new PkiFixture();
        var foreign = theirs.Pki.AddMonitor("node-2", ["10.0.0.2"]).Issued.BundleDirectory;

        var refusal = Assert.Throws<PkiException>(() => MonitorIdentity.Load(ours.Paths, foreign));

        Assert.Contains(IdentityBundle.CaFileName, refusal.Message);
    }

    [Fact]
    public void A_watcher_bundle_is_not_a_node_identity()
    {
        using var fixture = new PkiFixture();
        var watcher = fixture.Pki.IssueWatcher("web-01").BundleDirectory;

        var refusal = Assert.Throws<PkiException>(() => MonitorIdentity.Load(fixture.Paths, watcher));

        Assert.Contains("not a monitor certificate", refusal.Message);
    }

    private static List<string?> Usages(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value)];
}
