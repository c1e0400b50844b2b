using System.Text;
using Xunit.Abstractions;

namespace SecureMonitor.Simulation.Tests;

/// <summary>A TextWriter whose lines go to the test's output (shown when it fails) and are kept for assertions.</summary>
internal sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _all = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get { lock (_gate) { return _all.ToString(); } }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _all.Append(value);
            if (value == '\n')
            {
                output.WriteLine(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
