using SecureMonitor.TestKit.Processes;
using Xunit;

namespace SecureMonitor.EndToEnd.Tests;

/// <summary>
/// A test that needs external programs (<see cref="ExternalTool"/> keys): reported as skipped, with
/// the reason, when one is not installed. Kept here because the TestKit does not reference xunit.
/// </summary>
internal sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        if (ExternalTool.WhyMissing(tools) is { } reason)
        {
            Skip = reason;
        }
    }
}
