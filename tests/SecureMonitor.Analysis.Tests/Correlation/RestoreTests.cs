using SecureMonitor.Analysis.Correlation;
using Xunit;
using static SecureMonitor.Analysis.Tests.Correlation.Alerts;

namespace SecureMonitor.Analysis.Tests.Correlation;

public sealed class RestoreTests
{
    [Fact]
    public void A_new_leader_continues_the_open_incident_instead_of_opening_another()
    {
        var oldLeader = new DosCorrelator(Options);
        ObservedAlert[] window = [Firing("h1", 0), Firing("h2", 1), Firing("h3", 2)];
        Incident open = Assert.IsType<IncidentOpened>(Assert.Single(oldLeader.Feed(window))).Incident;

        var newLeader = new DosCorrelator(Options);
        Assert.Empty(newLeader.Restore([open], window));
        List<IncidentEvent> sameHost = newLeader.Feed(Firing("h1", 5));
        List<IncidentEvent> newHost = newLeader.Feed(Firing("h4", 6));

        Assert.Empty(sameHost);
        IncidentGrew grew = Assert.IsType<IncidentGrew>(Assert.Single(newHost));
        Assert.Equal(open.Id, grew.Incident.Id);
        Assert.Equal(5, grew.Incident.AlertCount); // the restored alerts are not counted again
        Assert.Equal(open.Id, Assert.IsType<IncidentResolved>(Assert.Single(newLeader.Tick(At(1_000)))).Incident.Id);
    }

    [Fact]
    public void Restored_window_alerts_count_toward_the_next_incident()
    {
        var correlator = new DosCorrelator(Options);
        correlator.Restore([], [Firing("h1", 0), Firing("h2", 1)]);

        Incident incident = Assert.IsType<IncidentOpened>(Assert.Single(correlator.Feed(Firing("h3", 2)))).Incident;

        Assert.Equal(["h1", "h2", "h3"], incident.Hosts);
    }

    [Fact]
    public void Several_active_incidents_in_the_store_leave_the_newest_active_and_resolve_the_others()
    {
        var a = new DosCorrelator(Options);
        Incident older = Assert.IsType<IncidentOpened>(Assert.Single(a.Feed(Firing("w1", 0, metric: "tcp.syn_recv")))).Incident;
        var b = new DosCorrelator(Options);
        Incident newer = Assert.IsType<IncidentOpened>(Assert.Single(b.Feed(Firing("w2", 10, metric: "tcp.syn_recv")))).Incident;

        var correlator = new DosCorrelator(Options);
        IReadOnlyList<IncidentEvent> events = correlator.Restore([newer, older], []);

        Incident resolved = Assert.IsType<IncidentResolved>(Assert.Single(events)).Incident;
        Assert.Equal(older.Id, resolved.Id);
        Assert.Equal(older.LastEvidenceAt, resolved.ResolvedAt);
        Assert.Equal(newer.Id, correlator.ActiveIncident!.Id);
    }

    [Fact]
    public void Ids_after_a_restore_sort_after_the_restored_ones()
    {
        var a = new DosCorrelator(Options);
        Incident restored = Assert.IsType<IncidentOpened>(Assert.Single(a.Feed(Firing("w1", 100, metric: "tcp.syn_recv")))).Incident;
        var correlator = new DosCorrelator(Options);
        correlator.Restore([restored with { State = IncidentState.Resolved, ResolvedAt = At(220) }], []);

        // A late alert cannot open an incident that sorts before the restored one.
        Incident next = Assert.IsType<IncidentOpened>(Assert.Single(correlator.Feed(Firing("w1", 50, metric: "tcp.syn_recv")))).Incident;

        Assert.True(string.CompareOrdinal(restored.Id, next.Id) < 0, $"{next.Id} sorts before {restored.Id}");
    }
}
