using SecureMonitor.Sampling.Load;
using SecureMonitor.Sampling.ProcFs;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Load;

public class LoadAverageParserTests
{
    [Fact]
    public void Parses_the_three_load_averages()
    {
        Assert.Equal(new LoadAverage(4.32, 4.28, 3.30), LoadAverageParser.Parse(ProcSamples.LoadAvg));
    }

    [Theory]
    [InlineData("", "found 0")]
    [InlineData("0.10 0.20\n", "found 2")]
    [InlineData("0,10 0.20 0.30 1/2 3\n", "not a decimal number")]
    [InlineData("-1.0 0.20 0.30 1/2 3\n", "not a decimal number")]
    public void Rejects_malformed_input_with_a_message_naming_the_file(string text, string problem)
    {
        var error = Assert.Throws<ProcFormatException>(() => LoadAverageParser.Parse(text));

        Assert.StartsWith("/proc/loadavg: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
