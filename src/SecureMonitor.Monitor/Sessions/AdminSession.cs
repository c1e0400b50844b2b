using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// The conversation with one admin console: requests answered in order. A refused command is
/// answered (so the operator sees why) and counted; a frame an admin may not send closes the
/// connection.
/// </summary>
internal sealed class AdminSession(AuthenticatedConnection connection, AdminCommandHandler commands, RejectionCounters rejections)
{
    private readonly string _caller = $"{connection.Identity.Role.ToString().ToLowerInvariant()}:{connection.Identity.Certificate.Name}";

    public async Task RunAsync(CancellationToken stopping)
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
            var result = await commands.ExecuteAsync(connection.Identity, request.Command, [.. request.Arguments], stopping);
            if (result.Refusal != RejectionReason.None)
            {
                rejections.Reject(_caller, result.Refusal, result.Error, connection.Identity.Remote);
            }
            await connection.SendAsync(new Frame
            {
                ProtocolVersion = ProtocolVersion.Current,
                AdminResponse = new AdminResponse
                {
                    RequestId = request.RequestId,
                    Ok = result.Ok,
                    Error = result.Error,
                    ResultJson = result.Result?.ToJsonString() ?? "",
                    Refusal = result.Refusal == RejectionReason.None ? RejectionReasonCode.Unspecified : result.Refusal.ToWireCode(),
                },
            }, stopping);
        }
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
