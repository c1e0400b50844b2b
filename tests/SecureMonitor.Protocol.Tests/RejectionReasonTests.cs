using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests;

public sealed class RejectionReasonTests
{
    [Fact]
    public void Every_reason_maps_to_the_wire_code_of_the_same_name_and_back()
    {
        foreach (RejectionReason reason in Enum.GetValues<RejectionReason>().Where(r => r != RejectionReason.None))
        {
            RejectionReasonCode code = reason.ToWireCode();

            Assert.Equal(reason.ToString(), code.ToString());
            Assert.Equal(reason, RejectionReasonNames.FromWireCode(code));
        }

        Assert.Equal(Enum.GetValues<RejectionReason>().Length, Enum.GetValues<RejectionReasonCode>().Length);
    }

    [Fact]
    public void Metric_names_are_distinct_snake_case()
    {
        string[] names = Enum.GetValues<RejectionReason>().Select(r => r.ToMetricName()).ToArray();

        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[a-z]+(_[a-z]+)*$", n));
        Assert.Equal("bad_hmac", RejectionReason.BadHmac.ToMetricName());
    }

    [Fact]
    public void A_wire_code_unknown_to_this_version_reads_as_none()
    {
        Assert.Equal(RejectionReason.None, RejectionReasonNames.FromWireCode((RejectionReasonCode)999));
    }
}
