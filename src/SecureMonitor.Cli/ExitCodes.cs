namespace SecureMonitor.Cli;

/// <summary>
/// Process exit codes. They follow BSD sysexits where one fits, so scripts and service managers
/// can tell a usage mistake from a bad configuration from a failure at run time.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed (a check did not pass, a peer refused, ...).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong (unknown option, missing argument).</summary>
    public const int Usage = 64;

    /// <summary>An input file (identity bundle, PKI directory, ...) is missing or malformed.</summary>
    public const int DataError = 65;

    /// <summary>A private key (or pre-shared key, key ring) is open to other users: the message names the file,
    /// its mode and the chmod that fixes it (sysexits' EX_NOPERM).</summary>
    public const int NoPermission = 77;

    /// <summary>The exit code for a file that could not be loaded: <see cref="NoPermission"/> for a secret
    /// open to others (anywhere in the chain of causes), else <see cref="DataError"/>.</summary>
    public static int ForUnusableFile(Exception error)
    {
        for (var cause = error; cause is not null; cause = cause.InnerException)
        {
            if (cause is Pki.InsecureFileModeException)
            {
                return NoPermission;
            }
        }
        return DataError;
    }

    /// <summary>The feature is not available in this build.</summary>
    public const int Unavailable = 69;

    /// <summary>An unexpected internal error; the log says more.</summary>
    public const int Software = 70;

    /// <summary>A port the node must listen on (edge or cluster) is taken by another process, such as a
    /// second monitor started on the same port (sysexits EX_OSERR).</summary>
    public const int PortInUse = 71;

    /// <summary>A monitor node left its cluster (it lost the store, or was on the minority side of a split):
    /// restart it and it rejoins. Service managers restart on it.</summary>
    public const int TempFailure = 75;

    /// <summary>The configuration is invalid; the message names file, line and key.</summary>
    public const int Config = 78;

    /// <summary>Interrupted by Ctrl-C / SIGTERM after a clean shutdown.</summary>
    public const int Interrupted = 130;
}
