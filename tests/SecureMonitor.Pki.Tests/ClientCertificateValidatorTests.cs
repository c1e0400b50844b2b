using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

public sealed class ClientCertificateValidatorTests
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    [Fact]
    public void A_valid_watcher_certificate_yields_its_identity()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");

        var result = fixture.ClientValidator().Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow());

        Assert.True(result.Ok);
        Assert.Equal(watcher.Identity, result.Identity);
    }

    [Fact]
    public void No_certificate_fails_as_no_client_certificate()
    {
        using var fixture = new PkiFixture();

        Assert.Equal("no client certificate", fixture.ClientValidator().Validate(null, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void A_certificate_from_another_CA_fails_as_not_issued_by_this_CA()
    {
        using var ours = new PkiFixture("test");
        using var theirs = new PkiFixture("test"); // same CA name: only the key tells them apart
        using var stranger = theirs.IssueAndLoadWatcher("web-01");

        var result = ours.ClientValidator().Validate(stranger.Certificate, null, ours.Clock.GetUtcNow());

        Assert.Equal("not issued by this CA", result.FailureReason);
    }

    [Fact]
    public void The_CA_certificate_itself_is_not_accepted_as_a_client()
    {
        using var fixture = new PkiFixture();

        Assert.False(fixture.ClientValidator().Validate(fixture.LoadCa(), null, fixture.Clock.GetUtcNow()).Ok);
    }

    [Fact]
    public void A_revoked_certificate_fails_as_revoked()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");
        var validator = fixture.ClientValidator();
        fixture.Pki.Revoke("web-01");
        fixture.Clock.Advance(TimeSpan.FromSeconds(5)); // the monitor's keyring notices the change

        Assert.Equal("revoked", validator.Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void A_certificate_accepted_before_is_still_refused_once_revoked_expired_or_not_yet_valid()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");
        var validator = fixture.ClientValidator();
        Assert.True(validator.Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow()).Ok); // its chain is now known good

        Assert.Equal("expired", validator.Validate(watcher.Certificate, null, watcher.Identity.NotAfter.AddSeconds(1)).FailureReason);
        Assert.Equal("not yet valid", validator.Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow().AddHours(-1)).FailureReason);
        fixture.Pki.Revoke("web-01");
        fixture.Clock.Advance(TimeSpan.FromSeconds(5)); // the monitor's keyring notices the change
        Assert.Equal("revoked", validator.Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void The_TLS_layer_chain_policy_trusts_the_project_CA_alone()
    {
        using var ours = new PkiFixture("test");
        using var theirs = new PkiFixture("test");
        using var watcher = ours.IssueAndLoadWatcher("web-01");
        using var stranger = theirs.IssueAndLoadWatcher("web-01");
        var policy = ours.ClientValidator().TlsChainPolicy();

        using var good = new X509Chain { ChainPolicy = policy.Clone() };
        using var bad = new X509Chain { ChainPolicy = policy.Clone() };
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.True(good.Build(watcher.Certificate));
        Assert.False(bad.Build(stranger.Certificate));
    }

    [Fact]
    public void An_expired_certificate_fails_as_expired()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");
        var afterExpiry = watcher.Identity.NotAfter.AddSeconds(1);

        Assert.Equal("expired", fixture.ClientValidator().Validate(watcher.Certificate, null, afterExpiry).FailureReason);
    }

    [Fact]
    public void A_certificate_used_before_it_is_valid_fails_as_not_yet_valid()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");

        var result = fixture.ClientValidator().Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow().AddHours(-1));

        Assert.Equal("not yet valid", result.FailureReason);
    }

    [Fact]
    public void The_monitor_certificate_presented_as_a_client_fails_for_its_role()
    {
        using var fixture = new PkiFixture();

        var result = fixture.ClientValidator().Validate(fixture.LoadMonitorCertificate(), null, fixture.Clock.GetUtcNow());

        Assert.Equal("not a client certificate", result.FailureReason);
    }

    [Fact]
    public void A_client_certificate_without_a_role_fails_as_no_role()
    {
        using var fixture = new PkiFixture();
        using var roleless = CraftedCertificates.SignedBy(fixture, "web-01", ClientAuth);

        Assert.Equal("no role", fixture.ClientValidator().Validate(roleless, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void A_certificate_with_two_roles_fails_as_ambiguous()
    {
        using var fixture = new PkiFixture();
        using var twoRoles = CraftedCertificates.SignedBy(fixture, "eve", ClientAuth, "urn:securemonitor:role:viewer", "urn:securemonitor:role:admin");

        Assert.Equal("ambiguous role", fixture.ClientValidator().Validate(twoRoles, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void A_client_certificate_claiming_the_monitor_role_is_refused()
    {
        using var fixture = new PkiFixture();
        using var fake = CraftedCertificates.SignedBy(fixture, "monitor", ClientAuth, "urn:securemonitor:role:monitor");

        Assert.Equal("not a client certificate", fixture.ClientValidator().Validate(fake, null, fixture.Clock.GetUtcNow()).FailureReason);
    }

    [Fact]
    public void A_watcher_certificate_whose_host_differs_from_its_common_name_is_refused()
    {
        using var fixture = new PkiFixture();
        using var forged = CraftedCertificates.SignedBy(fixture, "web-01", ClientAuth, "urn:securemonitor:role:watcher", "urn:securemonitor:host:db-01");

        Assert.Equal("host id does not match common name", fixture.ClientValidator().Validate(forged, null, fixture.Clock.GetUtcNow()).FailureReason);
    }
}
