using System.Text.Json.Nodes;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// The conversation with one admin console: requests answered in order. A refused command is
/// answered (so the operator sees why) and counted; a frame an admin may not send closes the
/// connection. A streaming command (<c>tail</c>) answers with responses of its request id (each
/// with <c>more</c> set) from a task of its own while the session goes on reading, until the
/// console sends a cancel for that id, the stream ends, or the connection closes.
/// </summary>
internal sealed class AdminSession(AuthenticatedConnection connection, AdminCommandHandler commands, RejectionCounters rejections)
{
    /// <summary>Open streams per console: enough for a tail in each of a few windows, bounded.</summary>
    internal const int MaxStreams = 4;

    private readonly string _caller = $"{connection.Identity.Role.ToString().ToLowerInvariant()}:{connection.Identity.Certificate.Name}";
    private readonly Dictionary<ulong, (CancellationTokenSource Stop, Task Pump)> _streams = [];

    public async Task RunAsync(CancellationToken stopping)
    {
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            await ServeAsync(closing.Token);
        }
        finally
        {
            await closing.CancelAsync();
            foreach (var (stop, pump) in _streams.Values)
            {
                await stop.CancelAsync();
                await pump;
                stop.Dispose();
            }
        }
    }

    private async Task ServeAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var read = await connection.ReadAsync(stopping);
            if (read.Status == FrameReadStatus.EndOfStream)
            {
                return;
            }
            if (!read.IsFrame)
            {
                await RefuseAndCloseAsync(read.ToRejectionReason(), read.ToString(), stopping);
                return;
            }
            if (read.Frame!.BodyCase != Frame.BodyOneofCase.AdminRequest)
            {
                await RefuseAndCloseAsync(RejectionReason.WrongRole, $"an admin console may not send {read.Frame.BodyCase}", stopping);
                return;
            }

            var request = read.Frame.AdminRequest;
            ForgetEndedStreams();
            if (request.Cancel)
            {
                if (_streams.TryGetValue(request.RequestId, out var stream))
                {
                    await stream.Stop.CancelAsync();
                }
                continue;
            }
            if (_streams.ContainsKey(request.RequestId))
            {
                await SendAsync(Response(request.RequestId, AdminCommandResult.Failed($"request id {request.RequestId} is a stream still open")), stopping);
                continue;
            }

            var result = await commands.ExecuteAsync(connection.Identity, request.Command, [.. request.Arguments], stopping);
            if (result.Refusal is not (RejectionReason.None or RejectionReason.NotLeader))
            {
                rejections.Reject(_caller, result.Refusal, result.Error, connection.Identity.Remote);
            }
            if (result.Stream is { } opened)
            {
                if (_streams.Count >= MaxStreams)
                {
                    await opened.DisposeAsync();
                    await SendAsync(Response(request.RequestId, AdminCommandResult.Failed($"at most {MaxStreams} streams per console")), stopping);
                    continue;
                }
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                _streams[request.RequestId] = (stop, PumpAsync(request.RequestId, result, opened, stop.Token));
                continue;
            }
            await SendAsync(Response(request.RequestId, result), stopping);
        }
    }

    /// <summary>Sends the stream's opening result, each item, a note whenever items were dropped for
    /// this console, and a closing summary. The feed never waits for it: a slow console only loses items.</summary>
    private async Task PumpAsync(ulong requestId, AdminCommandResult opening, IAdminStream stream, CancellationToken stop)
    {
        await using (stream)
        {
            // The console rightly says nothing while it watches a stream: not idle.
            using var keptOpen = connection.KeepOpenWhileIdle();
            try
            {
                await SendAsync(Response(requestId, opening, more: true), stop);
                var reportedDrops = 0L;
                await foreach (var item in stream.ReadAllAsync(stop))
                {
                    if (stream.Dropped > reportedDrops)
                    {
                        reportedDrops = stream.Dropped;
                        await SendAsync(Item(requestId, new JsonObject { ["type"] = "dropped", ["total"] = reportedDrops }.ToJsonString()), stop);
                    }
                    await SendAsync(Item(requestId, item), stop);
                }
                await stream.DisposeAsync(); // off the feed before the console hears it ended
                // The stream was stopped (so its token is spent): the summary gets a bound of its own.
                var end = new JsonObject { ["type"] = "end", ["delivered"] = stream.Delivered, ["dropped"] = stream.Dropped };
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await SendAsync(Response(requestId, AdminCommandResult.Succeeded(end)), deadline.Token);
            }
            catch (Exception gone) when (gone is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The console went away, or the node is stopping: nothing more to tell.
            }
        }
    }

    private void ForgetEndedStreams()
    {
        foreach (var (id, stream) in _streams.Where(entry => entry.Value.Pump.IsCompleted).ToList())
        {
            stream.Stop.Dispose();
            _streams.Remove(id);
        }
    }

    /// <summary>Sends a response, in pieces when its JSON would not fit one frame (see <c>continued</c>).</summary>
    private async ValueTask SendAsync(AdminResponse response, CancellationToken cancellationToken)
    {
        // A UTF-16 char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2); keep room for the rest of the frame.
        var piece = Math.Max(256, (connection.Limits.MaxFrameBytes - 1024) / 3);
        var json = response.ResultJson;
        if (json.Length <= piece)
        {
            await SendFrameAsync(response, cancellationToken);
            return;
        }
        response.ResultJson = "";
        for (var start = 0; start < json.Length;)
        {
            var length = Math.Min(piece, json.Length - start);
            if (length < json.Length - start && char.IsHighSurrogate(json[start + length - 1]))
            {
                length--; // never split a surrogate pair: each piece must be valid UTF-8 on its own
            }
            var part = response.Clone();
            part.ResultJson = json.Substring(start, length);
            start += length;
            part.Continued = start < json.Length;
            await SendFrameAsync(part, cancellationToken);
        }
    }

    private async ValueTask SendFrameAsync(AdminResponse response, CancellationToken cancellationToken) =>
        await connection.SendAsync(new Frame { ProtocolVersion = ProtocolVersion.Current, AdminResponse = response }, cancellationToken);

    private static AdminResponse Item(ulong requestId, string json) => new() { RequestId = requestId, Ok = true, ResultJson = json, More = true };

    private static AdminResponse Response(ulong requestId, AdminCommandResult result, bool more = false)
    {
        var response = new AdminResponse
        {
            RequestId = requestId,
            Ok = result.Ok,
            Error = result.Error,
            ResultJson = result.Result?.ToJsonString() ?? "",
            Refusal = result.Refusal == RejectionReason.None ? RejectionReasonCode.Unspecified : result.Refusal.ToWireCode(),
            LeaderNode = result.LeaderNode,
            More = more,
            UsageError = result.UsageError,
        };
        if (result.LeaderEndpoint is { } leader)
        {
            response.LeaderEndpoints.Add(leader);
        }
        return response;
    }

    private async Task RefuseAndCloseAsync(RejectionReason reason, string detail, CancellationToken stopping)
    {
        rejections.Reject(_caller, reason, detail, connection.Identity.Remote);
        try
        {
            await connection.SendAsync(Frames.Rejection(reason, reason.ToMetricName()), stopping);
        }
        catch (IOException)
        {
            // Already gone; counted regardless.
        }
    }
}
