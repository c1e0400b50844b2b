using System.Text;
using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Tcp;

/// <summary>TCP socket states as /proc/net/tcp prints them (include/net/tcp_states.h).</summary>
public enum TcpState : byte
{
    Established = 0x01,
    SynSent = 0x02,
    SynRecv = 0x03,
    FinWait1 = 0x04,
    FinWait2 = 0x05,
    TimeWait = 0x06,
    Close = 0x07,
    CloseWait = 0x08,
    LastAck = 0x09,
    Listen = 0x0A,
    Closing = 0x0B,
    NewSynRecv = 0x0C,
}

/// <summary>
/// /proc/net/tcp and /proc/net/tcp6: a header line, then one socket per line,
/// "   sl: local_address rem_address st ...", the state "st" in hex. Both files have the same
/// columns (the addresses are just longer in tcp6).
/// </summary>
public static class TcpSocketTableParser
{
    public static int CountInState(string text, TcpState state, string file = "/proc/net/tcp")
        => CountInState(Encoding.UTF8.GetBytes(text), state, file);

    public static int CountInState(ReadOnlySpan<byte> text, TcpState state, string file)
    {
        int count = 0;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            if (TryGetState(line, file, out TcpState socketState) && socketState == state)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The state of the socket on <paramref name="line"/>; false for the header and blank lines.</summary>
    /// <exception cref="ProcFormatException">The line is neither a header nor a socket.</exception>
    public static bool TryGetState(ReadOnlySpan<byte> line, string file, out TcpState state)
    {
        state = default;
        ReadOnlySpan<byte> rest = line;
        if (!ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> slot) || slot.SequenceEqual("sl"u8))
        {
            return false;
        }

        if (slot[^1] != (byte)':'
            || !ProcText.TryReadToken(ref rest, out _)
            || !ProcText.TryReadToken(ref rest, out _)
            || !ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> st)
            || !ProcText.TryParseHexByte(st, out byte value))
        {
            throw new ProcFormatException(file, "a line is not \"sl: local remote st ...\" with a hex state", line);
        }

        state = (TcpState)value;
        return true;
    }
}
