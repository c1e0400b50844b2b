using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SecureMonitor.Watcher.Spool;

/// <summary>Where one record lives, kept in memory so that reads and acknowledgements never rescan.</summary>
internal struct SpoolEntry
{
    public ulong Sequence;
    public long Offset;
    public int PayloadLength;
    public SpoolRecordKind Kind;

    /// <summary>Acknowledged, or dropped (a heartbeat evicted when full): no longer pending.</summary>
    public bool Done;

    public readonly long RecordBytes => DurableSpool.RecordHeaderBytes + PayloadLength;
}

/// <summary>One segment file and the index of its records (in sequence order).</summary>
internal sealed class SpoolSegment(string path, ulong nameSequence, SafeFileHandle handle) : IDisposable
{
    private readonly List<SpoolEntry> _entries = [];

    public string Path { get; } = path;

    /// <summary>The sequence in the file name: the first record's, when this spool created the file.</summary>
    public ulong NameSequence { get; } = nameSequence;

    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Bytes of the file in use (header and valid records); appends go here.</summary>
    public long Length { get; set; }

    /// <summary>Records not yet done.</summary>
    public int Live { get; set; }

    /// <summary>Index of the first record that may be pending (every one before it is done).</summary>
    public int FirstLive { get; set; }

    /// <summary>Recovery found damage after the readable records: never append, move aside when done.</summary>
    public bool Damaged { get; set; }

    public int Count => _entries.Count;

    public ulong FirstSequence => _entries.Count > 0 ? _entries[0].Sequence : NameSequence;

    public ref SpoolEntry this[int index] => ref CollectionsMarshal.AsSpan(_entries)[index];

    public void Add(SpoolEntry entry)
    {
        _entries.Add(entry);
        if (!entry.Done)
        {
            Live++;
        }
    }

    /// <summary>Index of the first record whose sequence is at least <paramref name="sequence"/> (Count if none).</summary>
    public int LowerBound(ulong sequence)
    {
        ReadOnlySpan<SpoolEntry> entries = CollectionsMarshal.AsSpan(_entries);
        int low = 0;
        int high = entries.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (entries[middle].Sequence < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    public int IndexOf(ulong sequence)
    {
        int index = LowerBound(sequence);
        return index < _entries.Count && _entries[index].Sequence == sequence ? index : -1;
    }

    /// <summary>Moves <see cref="FirstLive"/> past the done records at the front.</summary>
    public void AdvanceFirstLive()
    {
        ReadOnlySpan<SpoolEntry> entries = CollectionsMarshal.AsSpan(_entries);
        int index = FirstLive;
        while (index < entries.Length && entries[index].Done)
        {
            index++;
        }

        FirstLive = index;
    }

    public void CollectDone(List<ulong> into)
    {
        foreach (SpoolEntry entry in CollectionsMarshal.AsSpan(_entries))
        {
            if (entry.Done)
            {
                into.Add(entry.Sequence);
            }
        }
    }

    public void Dispose() => Handle.Dispose();
}
