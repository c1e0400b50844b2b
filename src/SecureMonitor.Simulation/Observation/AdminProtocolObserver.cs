using System.Text;
using System.Text.Json;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.Simulation.Observation;

/// <summary>
/// Asks the monitor over its admin protocol, as an operator's console does: an admin (or viewer)
/// certificate, TLS 1.3 with mutual authentication, <see cref="AdminRequest"/> and
/// <see cref="AdminResponse"/> frames. It reads the <c>status</c> command's refusal counters, the
/// one command that reports what the simulator needs today. Requests are answered in order on one
/// connection, reopened once if the monitor dropped it.
/// </summary>
public sealed class AdminProtocolObserver : MonitorObserver
{
    private readonly MonitorEndpoint _endpoint;
    private readonly IdentityBundle _identity;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private FramedConnection? _connection;
    private ulong _requestId;

    private AdminProtocolObserver(MonitorEndpoint endpoint, IdentityBundle identity, TimeSpan timeout, FramedConnection connection)
    {
        _endpoint = endpoint;
        _identity = identity;
        _timeout = timeout;
        _connection = connection;
    }

    /// <summary>Connects with an admin or viewer bundle (not owned: the caller disposes it).</summary>
    /// <exception cref="TransportException">The monitor cannot be reached or refused the certificate.</exception>
    public static async Task<AdminProtocolObserver> ConnectAsync(MonitorEndpoint endpoint, IdentityBundle identity, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (identity.Identity.Role is not (CertificateRole.Admin or CertificateRole.Viewer))
        {
            throw new ArgumentException($"{identity} is not an admin or viewer bundle.", nameof(identity));
        }
        var connection = await SecureClient.ConnectAsync(endpoint, new SecureClientOptions { Identity = identity, ConnectTimeout = timeout }, cancellationToken);
        return new AdminProtocolObserver(endpoint, identity, timeout, connection);
    }

    public override IReadOnlyList<string> Sources =>
        [$"refusal counters: the monitor's admin 'status' command, as {_identity.Identity.Role.ToString().ToLowerInvariant()} '{_identity.Identity.Name}'"];

    protected override string Name => "the admin protocol (only its 'status' command is read)";

    public override async Task<Observation<IReadOnlyList<RejectionCounter>>> RejectionsAsync(CancellationToken cancellationToken)
    {
        var answer = await RunAsync("status", [], cancellationToken);
        if (!answer.Ok)
        {
            return Observation<IReadOnlyList<RejectionCounter>>.Unavailable($"'status' failed: {answer.Error}");
        }
        try
        {
            using var json = JsonDocument.Parse(answer.ResultJson);
            if (!json.RootElement.TryGetProperty("rejections", out var rejections) || rejections.ValueKind != JsonValueKind.Array)
            {
                return Observation<IReadOnlyList<RejectionCounter>>.Unavailable("'status' reports no rejection counters");
            }
            return Observation<IReadOnlyList<RejectionCounter>>.Of([.. rejections.EnumerateArray().Select(row => new RejectionCounter(
                row.GetProperty("host").GetString() ?? "",
                row.GetProperty("reason").GetString() ?? "",
                row.GetProperty("count").GetInt64()))]);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Observation<IReadOnlyList<RejectionCounter>>.Unavailable($"'status' answered in an unexpected shape: {error.Message}");
        }
    }

    /// <summary>Runs one admin command and returns the monitor's answer.</summary>
    /// <exception cref="TransportException">The monitor cannot be reached, even after reconnecting once.</exception>
    public async Task<AdminAnswer> RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            try
            {
                return await AskAsync(command, arguments, cancellationToken);
            }
            catch (Exception error) when (error is IOException or ObjectDisposedException or TransportException)
            {
                // One retry on a fresh connection: a monitor may close idle or refused connections.
                await DropAsync();
                return await AskAsync(command, arguments, cancellationToken);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<AdminAnswer> AskAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        _connection ??= await SecureClient.ConnectAsync(_endpoint, new SecureClientOptions { Identity = _identity, ConnectTimeout = _timeout }, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        var request = new AdminRequest { RequestId = ++_requestId, Command = command };
        request.Arguments.Add(arguments);
        try
        {
            await _connection.SendAsync(new Frame { ProtocolVersion = ProtocolVersion.Current, AdminRequest = request }, deadline.Token);
            // A result too large for one frame comes in pieces, each but the last marked continued.
            var json = new StringBuilder();
            FrameReadResult read;
            while ((read = await _connection.ReadAsync(deadline.Token)).Frame is { BodyCase: Frame.BodyOneofCase.AdminResponse, AdminResponse.Continued: true } piece
                   && piece.AdminResponse.RequestId == request.RequestId)
            {
                json.Append(piece.AdminResponse.ResultJson);
            }
            return read.Frame switch
            {
                { BodyCase: Frame.BodyOneofCase.AdminResponse } frame when frame.AdminResponse.RequestId == request.RequestId =>
                    new AdminAnswer(frame.AdminResponse.Ok, frame.AdminResponse.Error, json.Append(frame.AdminResponse.ResultJson).ToString()),
                { BodyCase: Frame.BodyOneofCase.Rejection } frame => throw new TransportException(
                    $"the monitor refused the admin connection: {RejectionReasonNames.FromWireCode(frame.Rejection.Reason).ToMetricName()} ({frame.Rejection.Detail})"),
                { } frame => throw new TransportException($"the monitor answered '{command}' with {frame.BodyCase}"),
                null => throw new IOException($"no answer to '{command}': {read}"),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransportException($"the monitor did not answer '{command}' within {_timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task DropAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await DropAsync();
        _lock.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>The monitor's answer to one admin command: <paramref name="ResultJson"/> when ok, <paramref name="Error"/> when not.</summary>
public sealed record AdminAnswer(bool Ok, string Error, string ResultJson);
