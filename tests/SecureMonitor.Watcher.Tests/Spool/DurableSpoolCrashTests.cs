using System.Diagnostics;
using SecureMonitor.Watcher.Spool;

namespace SecureMonitor.Watcher.Tests.Spool;

/// <summary>kill -9 of a real process that is appending, acknowledging and deleting segments.</summary>
public sealed class DurableSpoolCrashTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_kill_9_every_reported_append_is_pending_every_reported_acknowledgement_holds_and_no_sequence_is_reused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Process.Kill is SIGKILL on Unix, where the watcher runs.
        }

        using var dir = new SpoolTestDirectory();
        var appended = new HashSet<ulong>();
        var acknowledged = new HashSet<ulong>();
        ulong through = 0;
        for (int round = 0; round < 3; round++)
        {
            ulong target = appended.Count == 0 ? 300 : appended.Max() + 300;
            ulong lastPrinted = await RunAndKillAsync(dir.Path, target, appended, acknowledged, t => through = Math.Max(through, t));

            ulong lastSpooled;
            using (var spool = DurableSpool.Open(dir.Path))
            {
                lastSpooled = spool.LastAppendedSequence;
                Assert.Empty(spool.Recovery.Corruptions);
                var pending = spool.ReadPending(int.MaxValue);
                var pendingSet = pending.Select(r => r.Sequence).ToHashSet();
                Assert.All(pending, r => Assert.Equal(CrashEnvelope.For(r.Sequence), r.Payload.ToArray()));

                // The kill may have interrupted the acknowledgements that follow the last reported
                // append (not yet reported): those records may be pending or not.
                ulong surelyThrough = lastPrinted % 100 == 0 ? lastPrinted - 50 : through;
                bool lastAckUnreported = lastPrinted % 3 == 0 && !acknowledged.Contains(lastPrinted);

                // Durable: everything reported appended and not acknowledged is still there.
                var mustBePending = appended
                    .Where(s => s > surelyThrough && !acknowledged.Contains(s) && !(lastAckUnreported && s == lastPrinted))
                    .ToHashSet();
                Assert.Subset(pendingSet, mustBePending);

                // Nothing acknowledged comes back; at most the one append in flight at the kill is new.
                Assert.Empty(pendingSet.Intersect(acknowledged));
                Assert.All(pendingSet.Where(s => s <= through), s => Assert.Fail($"{s} was acknowledged through {through}"));
                Assert.All(pendingSet.Except(appended), s => Assert.Equal(lastPrinted + 1, s));
                Assert.True(spool.LastAppendedSequence >= lastPrinted);
                appended.UnionWith(pendingSet); // the in-flight append, if it made it, is a known record now
            }

            // The sequence reservation resumes above anything the killed process handed out: it
            // could only hand out a number after reserving it durably.
            var sequences = SequenceReservation.Open(dir.Path, blockSize: 50);
            Assert.True(sequences.Peek > lastSpooled && sequences.Peek > lastPrinted, $"{sequences.Peek} must be above {lastSpooled}");
        }
    }

    /// <summary>Runs the helper until it reports appending <paramref name="target"/>, kills it, and
    /// collects what it reported. Returns the last sequence reported appended.</summary>
    private static async Task<ulong> RunAndKillAsync(
        string dataDirectory, ulong target, HashSet<ulong> appended, HashSet<ulong> acknowledged, Action<ulong> onThrough)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "SpoolCrashHelper.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(helper);
        start.ArgumentList.Add(dataDirectory);

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Bound);
        Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
        ulong lastAppended = 0;
        bool killed = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                string[] parts = line.Split(' ');
                switch (parts[0])
                {
                    case "appended":
                        lastAppended = ulong.Parse(parts[1]);
                        appended.Add(lastAppended);
                        break;
                    case "acked":
                        acknowledged.Add(ulong.Parse(parts[1]));
                        break;
                    case "through":
                        onThrough(ulong.Parse(parts[1]));
                        break;
                }

                if (!killed && lastAppended >= target)
                {
                    process.Kill(); // SIGKILL; lines already in the pipe are still read below
                    killed = true;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.True(killed, $"The helper stopped by itself: {await errors}");
        return lastAppended;
    }
}
