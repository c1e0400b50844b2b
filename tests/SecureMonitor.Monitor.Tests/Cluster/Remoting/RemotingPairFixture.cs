namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>Two monitor nodes under one test CA, shared by the tests of a class (start-up costs seconds).</summary>
public sealed class RemotingPairFixture : IAsyncLifetime
{
    internal TestCertificates Pki { get; } = new("Test Monitor CA");

    /// <summary>Allows both test records, so it will send what B refuses.</summary>
    internal RemotingNode A { get; private set; } = null!;

    /// <summary>Allows <see cref="AllowedPing"/> only.</summary>
    internal RemotingNode B { get; private set; } = null!;

    public Task InitializeAsync()
    {
        A = new RemotingNode("monitor", Pki.Node("node-a"), Pki.Ca, [typeof(AllowedPing), typeof(NotAllowedPing)]);
        B = new RemotingNode("monitor", Pki.Node("node-b"), Pki.Ca, [typeof(AllowedPing)]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
