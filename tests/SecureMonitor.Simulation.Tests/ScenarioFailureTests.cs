using SecureMonitor.Simulation.Running;
using SecureMonitor.Simulation.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Simulation.Tests;

/// <summary>The checks are not vacuous: a monitor that reacts otherwise fails them, and what cannot be seen is said.</summary>
public sealed class ScenarioFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_monitor_that_correlates_fewer_hosts_than_assumed_fails_the_normal_scenario()
    {
        // The node opens an incident at two hosts; the simulator believes it needs three.
        await using var bed = await SimulationBed.StartAsync(watchers: 3, output, actual: SimulationBed.Quick with { MinHosts = 2 });

        var report = await bed.RunAsync("normal", TimeSpan.FromSeconds(10));

        Assert.False(report.AsExpected, bed.Output);
        Assert.Equal("no incident", Assert.Single(report.Failed).Name);
        Assert.Contains("result: NOT as expected: no incident failed", bed.Output);
    }

    [Fact]
    public async Task Without_a_way_to_see_security_alerts_the_tampering_check_is_not_observed_rather_than_passed()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 3, output);

        var report = await bed.RunAsync("tamper", TimeSpan.FromSeconds(8), observers: [bed.Receiver]);

        var check = Assert.Single(report.NotObserved);
        Assert.Equal("tampering alert", check.Name);
        Assert.Contains("not observable", check.Observed);
        Assert.True(report.AsExpected, bed.Output);
        Assert.Contains("1 check(s) could not be observed (tampering alert)", bed.Output);
    }

    [Fact]
    public async Task A_monitor_nobody_listens_for_is_reported_unreachable_before_anything_is_issued()
    {
        using var pki = new TestKit.Monitors.PkiFixture();
        var port = TestKit.Processes.LoopbackPort.Free();
        var settings = new SimulationSettings { Monitor = new Transport.MonitorEndpoint("127.0.0.1", port), PkiDirectory = pki.Root, Watchers = 2, Duration = TimeSpan.FromSeconds(10) };

        var error = await Assert.ThrowsAsync<MonitorUnreachableException>(() =>
            SimulationRunner.RunAsync(settings, new NormalScenario(), new TestOutputWriter(output)));

        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.False(Directory.Exists(Path.Combine(pki.Root, "watchers")), "no identity should have been issued");
    }

    [Theory]
    [InlineData("normal", 5)]
    [InlineData("dos", 6)]
    [InlineData("flapping", 10)]
    [InlineData("silence", 5)]
    public async Task A_run_too_short_for_its_scenario_is_refused_with_the_reason(string name, int seconds)
    {
        Assert.True(ScenarioCatalog.TryCreate(name, out var scenario));
        var settings = new SimulationSettings
        {
            Monitor = new Transport.MonitorEndpoint("127.0.0.1", 9),
            PkiDirectory = "/nonexistent",
            Duration = TimeSpan.FromSeconds(seconds),
        };

        var error = await Assert.ThrowsAsync<SimulationSettingsException>(() =>
            SimulationRunner.RunAsync(settings, scenario, new TestOutputWriter(output)));

        Assert.Contains("--duration", error.Message);
    }
}
