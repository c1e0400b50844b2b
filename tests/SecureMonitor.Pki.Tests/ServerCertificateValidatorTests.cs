namespace SecureMonitor.Pki.Tests;

public sealed class ServerCertificateValidatorTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1")]
    [InlineData(null)]
    public void The_monitor_certificate_is_accepted_under_the_names_it_carries(string? dialled)
    {
        using var fixture = new PkiFixture();

        var result = new ServerCertificateValidator(fixture.LoadCa()).Validate(fixture.LoadMonitorCertificate(), null, fixture.Clock.GetUtcNow(), dialled);

        Assert.True(result.Ok, result.FailureReason);
        Assert.Equal(CertificateRole.Monitor, result.Identity.Role);
    }

    [Fact]
    public void The_monitor_certificate_is_refused_under_another_name()
    {
        using var fixture = new PkiFixture();

        var result = new ServerCertificateValidator(fixture.LoadCa()).Validate(fixture.LoadMonitorCertificate(), null, fixture.Clock.GetUtcNow(), "evil.example");

        Assert.Equal("name mismatch", result.FailureReason);
    }

    [Fact]
    public void A_watcher_certificate_cannot_pose_as_the_monitor()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");

        var result = new ServerCertificateValidator(fixture.LoadCa()).Validate(watcher.Certificate, null, fixture.Clock.GetUtcNow());

        Assert.Equal("not a server certificate", result.FailureReason);
    }

    [Fact]
    public void A_monitor_certificate_from_another_CA_is_refused()
    {
        using var ours = new PkiFixture();
        using var theirs = new PkiFixture();

        var result = new ServerCertificateValidator(ours.LoadCa()).Validate(theirs.LoadMonitorCertificate(), null, ours.Clock.GetUtcNow(), "localhost");

        Assert.Equal("not issued by this CA", result.FailureReason);
    }
}
