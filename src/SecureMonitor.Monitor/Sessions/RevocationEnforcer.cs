using Microsoft.Extensions.Logging;
using SecureMonitor.Pki;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// Makes a revocation end the sessions already open, not only the next handshake. <c>pki revoke</c>
/// runs in another process and only rewrites revoked.json and keyring.json, so the node looks at
/// those files on a timer (<c>monitor.security.keyring-check-interval</c>: two file stats per tick)
/// as well as on lookups; whenever the key ring reloads (that timer, a lookup, <c>keys revoke</c>'s
/// explicit reload) every live session whose certificate is now revoked is closed.
/// </summary>
public sealed partial class RevocationEnforcer : IDisposable
{
    private readonly FileKeyring _keyring;
    private readonly LiveSessions _sessions;
    private readonly ILogger _log;
    private readonly ITimer _timer;
    private string? _reportedError;

    public RevocationEnforcer(FileKeyring keyring, LiveSessions sessions, TimeSpan checkInterval, TimeProvider time, ILogger<RevocationEnforcer> log)
    {
        _keyring = keyring;
        _sessions = sessions;
        _log = log;
        _keyring.Reloaded += OnReloaded;
        _timer = time.CreateTimer(_ => Check(), null, checkInterval, checkInterval);
    }

    private void Check()
    {
        // A timer callback must never throw: on the thread pool that would end the process.
        try
        {
            _keyring.CheckForChanges();
            var error = _keyring.LastReloadError;
            if (error is not null && error != _reportedError)
            {
                LogReloadFailed(_log, error); // once per distinct error, not once per tick
            }
            _reportedError = error;
        }
        catch (Exception error)
        {
            LogCheckFailed(_log, error.GetType().Name, error.Message);
        }
    }

    private void OnReloaded()
    {
        // Raised inside whatever asked the key ring (a handshake, an envelope, the timer): never throw into it.
        try
        {
            LogReloaded(_log, _sessions.CloseRevoked());
        }
        catch (Exception error)
        {
            LogCloseFailed(_log, error.GetType().Name, error.Message);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _keyring.Reloaded -= OnReloaded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key ring and revocation list reloaded; {Closed} session(s) of revoked certificates closed")]
    private static partial void LogReloaded(ILogger log, int closed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The key ring or revocation list changed but cannot be loaded; the previous one stays in use: {Error}")]
    private static partial void LogReloadFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing the sessions of revoked certificates failed: {Error}: {Detail}")]
    private static partial void LogCloseFailed(ILogger log, string error, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the key ring files failed: {Error}: {Detail}")]
    private static partial void LogCheckFailed(ILogger log, string error, string detail);
}
