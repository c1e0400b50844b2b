using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

public sealed class IssuanceTests
{
    [Fact]
    public void A_watcher_certificate_carries_its_role_and_host_and_chains_to_the_CA()
    {
        using var fixture = new PkiFixture();
        using var bundle = fixture.IssueAndLoadWatcher("Web-01");

        var identity = bundle.Identity;
        Assert.Equal(CertificateRole.Watcher, identity.Role);
        Assert.Equal("web-01", identity.HostId);
        Assert.Equal("web-01", identity.Name);
        Assert.Contains("OU=watcher", bundle.Certificate.Subject);
        Assert.Equal(["urn:securemonitor:role:watcher", "urn:securemonitor:host:web-01"], SubjectAlternativeNames.ReadUris(bundle.Certificate));
        Assert.Equal(fixture.LoadCa().Thumbprint, bundle.CaCertificate.Thumbprint);
        Assert.True(fixture.ClientValidator().Validate(bundle.Certificate, null, fixture.Clock.GetUtcNow()).Ok);
    }

    [Fact]
    public void A_watcher_certificate_is_a_two_year_client_leaf_with_a_random_16_byte_serial()
    {
        using var fixture = new PkiFixture();
        using var one = fixture.IssueAndLoadWatcher("web-01");
        using var two = fixture.IssueAndLoadWatcher("web-02");

        Assert.Equal(16, one.Certificate.SerialNumberBytes.Length);
        Assert.NotEqual(one.Identity.Serial, two.Identity.Serial);
        Assert.False(one.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, one.Certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        var expectedNotAfter = fixture.Clock.GetUtcNow() + PkiOptions.Default.LeafValidity;
        Assert.Equal(expectedNotAfter.UtcDateTime, one.Certificate.NotAfter.ToUniversalTime(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Admins_and_viewers_get_their_own_roles()
    {
        using var fixture = new PkiFixture();
        using var admin = IdentityBundle.Load(fixture.Pki.IssueAdmin("alice").BundleDirectory);
        using var viewer = IdentityBundle.Load(fixture.Pki.IssueAdmin("bob", viewer: true).BundleDirectory);

        var validator = fixture.ClientValidator();
        Assert.Equal(CertificateRole.Admin, validator.Validate(admin.Certificate, null, fixture.Clock.GetUtcNow()).Identity?.Role);
        Assert.Equal(CertificateRole.Viewer, validator.Validate(viewer.Certificate, null, fixture.Clock.GetUtcNow()).Identity?.Role);
        Assert.Null(viewer.Identity.HostId);
    }

    [Fact]
    public void Re_issuing_an_existing_watcher_is_refused_without_force()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");

        var refusal = Assert.Throws<PkiException>(() => fixture.Pki.IssueWatcher("web-01"));

        Assert.Contains("force", refusal.Message);
    }

    [Fact]
    public void Forced_re_issue_revokes_the_old_certificate_and_keys_and_gives_a_new_key_id()
    {
        using var fixture = new PkiFixture();
        var first = fixture.Pki.IssueWatcher("web-01");

        var second = fixture.Pki.IssueWatcher("web-01", force: true);

        Assert.Equal(2u, second.KeyId);
        Assert.Equal(first.Certificate.Serial, Assert.Single(second.Superseded).Serial);
        var keyring = fixture.OpenKeyring();
        Assert.True(keyring.IsRevoked(first.Certificate.Serial));
        Assert.Equal(KeyLookupStatus.Revoked, keyring.Lookup("web-01", 1).Status);
        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 2).Status);
    }

    [Fact]
    public void A_revoked_watcher_can_be_issued_again_without_force_and_never_reuses_a_key_id()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        fixture.Pki.Revoke("web-01");

        Assert.Equal(2u, fixture.Pki.IssueWatcher("web-01").KeyId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("ünïcode")]
    [InlineData("x\n")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void Invalid_host_ids_are_rejected_with_a_message_saying_what_is_allowed(string hostId)
    {
        using var fixture = new PkiFixture();

        var error = Assert.Throws<ArgumentException>(() => fixture.Pki.IssueWatcher(hostId));

        Assert.Contains("host id", error.Message);
        Assert.False(Directory.Exists(Path.Combine(fixture.Root, "watchers")));
    }

    [Fact]
    public void Host_ids_are_accepted_in_any_case_and_stored_lower_case()
    {
        Assert.Equal("db-01.eu_west", IdentityName.Normalize("DB-01.EU_West", "host id"));
    }

    [Fact]
    public void Revoking_a_name_shared_by_a_watcher_and_an_admin_needs_the_role()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("ops");
        fixture.Pki.IssueAdmin("ops");

        Assert.Throws<PkiException>(() => fixture.Pki.Revoke("ops"));
        var result = fixture.Pki.Revoke("ops", CertificateRole.Admin);

        Assert.Equal(CertificateRole.Admin, Assert.Single(result.RevokedCertificates).Role);
        Assert.Empty(result.RevokedKeyIds);
    }
}
