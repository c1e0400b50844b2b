using System.Diagnostics;
using System.Net;

namespace SecureMonitor.Monitor.Tests.Handshake;

/// <summary>
/// Runs <c>openssl s_client</c> as a real process against the monitor. It sends one line, keeps
/// the connection open after its input ends (<c>-ign_eof</c>) and exits when the monitor closes the
/// connection, so when <see cref="RunAsync"/> returns the monitor has made its decision.
/// </summary>
internal static class OpenSslClient
{
    /// <summary>The openssl executable on PATH, or null.</summary>
    public static string? Executable { get; } = FindOnPath("openssl");

    public static async Task<OpenSslResult> RunAsync(IPEndPoint monitor, string caFile, IEnumerable<string> options, TimeSpan within)
    {
        var executable = Executable ?? throw new InvalidOperationException("openssl is not on PATH.");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] common = ["s_client", "-connect", $"127.0.0.1:{monitor.Port}", "-CAfile", caFile, "-alpn", "securemonitor/1", "-ign_eof"];
        foreach (var argument in common.Concat(options))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(within);
        try
        {
            try
            {
                await process.StandardInput.WriteLineAsync("hello monitor".AsMemory(), deadline.Token);
                await process.StandardInput.FlushAsync(deadline.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // openssl already exited (the handshake failed before it read its input).
            }
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TestKitAssertionException(
                $"openssl s_client was still connected after {within.TotalSeconds:0.###} s: the monitor did not close the connection.");
        }
        return new OpenSslResult(process.ExitCode, await stdout, await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

internal sealed record OpenSslResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    /// <summary>The handshake completed from openssl's side (it printed the negotiated session).</summary>
    public bool HandshakeCompleted => Output.Contains("New, TLSv1.3", StringComparison.Ordinal);

    /// <summary>The monitor sent openssl a TLS alert.</summary>
    public bool GotAlert => All.Contains("alert", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The monitor ended the connection on openssl: with an alert, or (what .NET does on Linux when its
    /// certificate check refuses the client after OpenSSL finished the handshake) by closing the socket,
    /// which openssl reports as an unexpected end of file.
    /// </summary>
    public bool CutOff => ExitCode != 0 && (GotAlert || Error.Contains("unexpected eof", StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}--- stdout ---{Environment.NewLine}{Output}--- stderr ---{Environment.NewLine}{Error}";
}

/// <summary>A fact that needs <c>openssl</c> on PATH and reports as skipped, with the reason, without it.</summary>
public sealed class OpenSslFactAttribute : FactAttribute
{
    public OpenSslFactAttribute()
    {
        if (OpenSslClient.Executable is null)
        {
            Skip = "openssl is not on PATH (tests/run installs it when run as root)";
        }
    }
}
