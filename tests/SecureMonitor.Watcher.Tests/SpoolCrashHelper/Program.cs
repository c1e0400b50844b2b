using SecureMonitor.Watcher.Spool;

// Usage: SpoolCrashHelper <data directory>
// Appends envelopes as fast as the disk allows and prints, AFTER each step is done, one line:
//   "appended <sequence>"  the record is durable (Append returned)
//   "acked <sequence>"     the acknowledgement is written (not fsync'd: kill -9 must not lose it)
//   "through <sequence>"   everything up to it is acknowledged (segments deleted, ack log compacted)
// It never exits by itself; the test kills it with SIGKILL at an arbitrary moment.
string dataDirectory = args[0];
using var spool = DurableSpool.Open(dataDirectory, new SpoolOptions { SegmentBytes = 16 * 1024 });
var sequences = SequenceReservation.Open(dataDirectory, blockSize: 50);
sequences.EnsureAbove(spool.LastAppendedSequence);
Console.Out.WriteLine($"ready {spool.Count}");
while (true)
{
    ulong sequence = sequences.Next();
    var kind = sequence % 5 == 0 ? SpoolRecordKind.Heartbeat : SpoolRecordKind.Alert;
    spool.Append(kind, sequence, CrashEnvelope.For(sequence));
    Console.Out.WriteLine($"appended {sequence}");
    if (sequence % 3 == 0)
    {
        spool.Acknowledge(sequence);
        Console.Out.WriteLine($"acked {sequence}");
    }

    if (sequence % 100 == 0)
    {
        spool.AcknowledgeThrough(sequence - 50);
        Console.Out.WriteLine($"through {sequence - 50}");
    }
}

/// <summary>The envelope bytes for a sequence, known to both processes.</summary>
public static class CrashEnvelope
{
    public static byte[] For(ulong sequence)
    {
        var bytes = new byte[200];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((sequence * 131) + (ulong)(i * 7));
        }

        return bytes;
    }
}
