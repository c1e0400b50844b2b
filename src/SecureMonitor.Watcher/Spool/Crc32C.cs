using System.Buffers.Binary;
using System.Numerics;

namespace SecureMonitor.Watcher.Spool;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of spool records, the ack log and the sequence file.
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the CPU's crc32 instruction where there
/// is one (SSE4.2, ARMv8), so checking a 64 MiB spool at open costs a few milliseconds.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFFu;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
