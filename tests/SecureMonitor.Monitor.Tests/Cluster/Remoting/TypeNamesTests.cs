using SecureMonitor.Monitor.Cluster.Remoting;

namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

public sealed class TypeNamesTests
{
    [Fact]
    public void Version_culture_and_token_are_ignored_also_inside_generic_arguments()
    {
        var filter = new VersionInsensitiveTypeFilter([TypeNames.Of(typeof(AllowedPing)), TypeNames.Of(typeof(List<AllowedPing>))]);
        Assert.True(filter.IsAllowed(typeof(AllowedPing).AssemblyQualifiedName!));
        Assert.True(filter.IsAllowed("SecureMonitor.Monitor.Tests.Cluster.Remoting.AllowedPing, SecureMonitor.Monitor.Tests, Version=9.9.9.9, Culture=neutral, PublicKeyToken=null"));
        Assert.True(filter.IsAllowed("SecureMonitor.Monitor.Tests.Cluster.Remoting.AllowedPing,SecureMonitor.Monitor.Tests"));
        Assert.True(filter.IsAllowed(typeof(List<AllowedPing>)));
        Assert.False(filter.IsAllowed(typeof(NotAllowedPing)));
        Assert.False(filter.IsAllowed("SecureMonitor.Monitor.Tests.Cluster.Remoting.AllowedPing, OtherAssembly"));
        Assert.False(filter.IsAllowed(""));
    }
}
