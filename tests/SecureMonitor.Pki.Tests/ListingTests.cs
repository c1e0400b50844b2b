using System.Text.Json;

namespace SecureMonitor.Pki.Tests;

public sealed class ListingTests
{
    [Fact]
    public void The_listing_shows_certificates_and_key_states_but_never_key_material()
    {
        using var fixture = new PkiFixture();
        using var web01 = fixture.IssueAndLoadWatcher("web-01");
        var oldKey = Convert.ToBase64String(web01.Psk!.Key);
        fixture.Pki.RotateKey("web-01", TimeSpan.FromHours(1));
        using var rotated = IdentityBundle.Load(web01.Directory);
        var newKey = Convert.ToBase64String(rotated.Psk!.Key);

        var listing = fixture.Pki.List();
        var json = JsonSerializer.Serialize(listing);

        Assert.DoesNotContain(oldKey, json);
        Assert.DoesNotContain(newKey, json);
        Assert.DoesNotContain(oldKey, listing.ToString());
        Assert.Equal("CN=SecureMonitor CA (test)", listing.CaSubject);
        var keys = Assert.Single(listing.Hosts).Keys;
        Assert.Equal(["retiring until 2025-06-01T13:00:00.0000000+00:00", "current"], keys.Select(key => key.Describe()));
    }

    [Fact]
    public void The_listing_marks_revoked_certificates()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueAdmin("alice");
        fixture.Pki.Revoke("alice");

        var listing = fixture.Pki.List();

        Assert.Equal(["monitor:False", "admin:False", "alice:True"], listing.Certificates.Select(entry => $"{entry.Certificate.Name}:{entry.Revoked}"));
    }
}
