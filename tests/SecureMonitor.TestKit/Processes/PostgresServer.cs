using System.Security.Cryptography;
using Npgsql;
using SecureMonitor.Simulation.Processes;

namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// A real PostgreSQL server for one test class, from the installed binaries (Debian's
/// <c>/usr/lib/postgresql/N/bin</c>, or <c>SM_POSTGRES_BIN_DIR</c>): a fresh cluster made by
/// <c>initdb</c> in a temporary directory, listening on 127.0.0.1 and a free port only (no Unix
/// socket), password (SCRAM) authentication with a random password, default durability
/// (<c>fsync</c> and <c>synchronous_commit</c> on). The Debian cluster service is not used.
/// Disposing stops it (fast shutdown) and deletes the directory.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root. When the tests run as root, the directory is given to the
/// <c>postgres</c> user (which Debian's package creates) and <c>initdb</c> and the server run as that
/// user through <c>setpriv</c>, which execs in place: the process the test holds is the server itself,
/// so stopping it is a signal to that process. If the binaries are missing, starting fails with what
/// to install: tests that need PostgreSQL fail rather than skip (<c>tests/run</c> installs it).
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Names the directory holding <c>initdb</c> and <c>postgres</c>; when set, nothing else is searched.</summary>
    public const string BinDirectoryVariable = "SM_POSTGRES_BIN_DIR";

    /// <summary>The superuser initdb creates; also the unprivileged system user the server runs as under root.</summary>
    public const string Superuser = "postgres";

    /// <summary>How long starting (initdb and start-up) and stopping may each take unless told otherwise.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(60);

    private const string DebianRoot = "/usr/lib/postgresql";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private PostgresServer(ChildProcess process, string directory, int port, string password)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    /// <summary>The superuser's password (random per server).</summary>
    public string Password { get; }

    /// <summary>What the server logged so far.</summary>
    public string Output => _process.Output;

    /// <summary>A connection string for <paramref name="database"/> as the superuser, without pooling.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
        Pooling = false,
        Timeout = 15,
    }.ConnectionString;

    /// <summary>The directory with <c>initdb</c> and <c>postgres</c>; throws saying what to install when there is none.</summary>
    public static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return HasServerBinaries(configured)
                ? configured
                : throw new InvalidOperationException(
                    $"{BinDirectoryVariable}={configured} holds no initdb and postgres binaries: point it at PostgreSQL's bin directory, " +
                    $"or unset it to use {DebianRoot}/*/bin ('apt-get install postgresql')");
        }
        var candidates = Directory.Exists(DebianRoot)
            ? Directory.EnumerateDirectories(DebianRoot)
                .Select(version => (Number: int.TryParse(Path.GetFileName(version), out var n) ? n : -1, Bin: Path.Combine(version, "bin")))
                .Where(candidate => HasServerBinaries(candidate.Bin))
                .OrderByDescending(candidate => candidate.Number)
                .Select(candidate => candidate.Bin)
            : [];
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, postgres) not found in {DebianRoot}/*/bin: install them with " +
            $"'apt-get install postgresql' (tests/run does so when root), or set {BinDirectoryVariable} to their directory");
    }

    /// <summary>Makes a cluster in a new temporary directory and starts it; returns once it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync(TimeSpan? readyWithin = null)
    {
        var bound = readyWithin ?? DefaultBound;
        var bin = FindBinDirectory();
        var asUser = Environment.IsPrivilegedProcess ? RequireServiceUser() : null;
        var directory = Directory.CreateTempSubdirectory("sm-postgres-").FullName;
        try
        {
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            await InitializeClusterAsync(bin, directory, password, asUser, bound);
            // A free port can be taken between choosing it and binding it: try another a few times.
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPort.Free();
                var process = Launch(Path.Combine(bin, "postgres"),
                [
                    "-D", Path.Combine(directory, "data"),
                    "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=", // TCP on loopback only
                    "-c", "max_connections=200",
                    "-c", "shared_buffers=32MB",
                ], asUser, directory);
                var server = new PostgresServer(process, directory, port, password);
                try
                {
                    await server.WaitUntilReadyAsync(bound);
                    return server;
                }
                catch (PortTakenException) when (attempt < 3)
                {
                    await process.DisposeAsync();
                }
                catch
                {
                    await process.DisposeAsync();
                    throw;
                }
            }
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>Creates a new, empty database (from template0) and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "sm")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 63)];
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
        return name;
    }

    /// <summary>Drops a database, closing any connection still open to it.</summary>
    public Task DropDatabaseAsync(string name) => ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    /// <summary>Runs SQL as the superuser in <paramref name="database"/> (test set-up and tampering).</summary>
    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Fast shutdown (SIGINT: sessions are ended, then a checkpoint), bounded; kill -9 if it does not stop.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync(DefaultBound, Signals.Interrupt);
        }
        finally
        {
            await _process.DisposeAsync();
            DeleteDirectory(_directory);
        }
    }

    private static async Task InitializeClusterAsync(string bin, string directory, string password, string? asUser, TimeSpan bound)
    {
        var passwordFile = Path.Combine(directory, "password");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var stream = new FileStream(passwordFile, create))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(password + "\n"));
        }
        if (asUser is not null)
        {
            await RunToCompletionAsync("chown", ["-R", $"{asUser}:", directory], null, directory, bound);
        }
        try
        {
            // --no-sync only skips initdb's own final fsync of the template files; the server's commits are fsynced.
            await RunToCompletionAsync(Path.Combine(bin, "initdb"),
            [
                "-D", Path.Combine(directory, "data"), "-U", Superuser, "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
            ], asUser, directory, bound);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        try
        {
            await _process.WaitUntilReadyAsync(async deadline =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(ConnectionString());
                    await connection.OpenAsync(deadline);
                    return true;
                }
                catch (NpgsqlException)
                {
                    return false; // not listening yet, or "the database system is starting up"
                }
            }, within, $"that it accepts connections on 127.0.0.1:{Port}");
        }
        catch (ChildProcessException) when (_process.HasExited && (Output.Contains("could not bind", StringComparison.Ordinal)
            || Output.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal)))
        {
            throw new PortTakenException();
        }
        catch (ChildProcessException failure)
        {
            throw new TestKitAssertionException($"{failure.Message} ({_process.CommandLine}). Output:\n{Output}");
        }
    }

    private static ChildProcess Launch(string binary, IReadOnlyList<string> arguments, string? asUser, string workingDirectory)
    {
        var options = new ChildProcessOptions { WorkingDirectory = workingDirectory };
        var name = Path.GetFileName(binary);
        return asUser is null
            ? ChildProcess.Start(name, binary, arguments, options)
            : ChildProcess.Start(name, "setpriv", [$"--reuid={asUser}", $"--regid={asUser}", "--init-groups", "--", binary, .. arguments], options);
    }

    private static async Task<string> RunToCompletionAsync(string binary, IReadOnlyList<string> arguments, string? asUser, string workingDirectory, TimeSpan bound)
    {
        await using var process = Launch(binary, arguments, asUser, workingDirectory);
        int exitCode;
        try
        {
            exitCode = await process.WaitForExitAsync(bound);
        }
        catch (ChildProcessException failure)
        {
            throw new TestKitAssertionException($"{failure.Message} ({process.CommandLine}). Output:\n{process.Output}");
        }
        return exitCode == 0
            ? process.Output
            : throw new InvalidOperationException($"{process.CommandLine} failed with exit code {exitCode}:\n{process.Output}");
    }

    private static string RequireServiceUser()
    {
        var known = File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(Superuser + ":", StringComparison.Ordinal));
        return known
            ? Superuser
            : throw new InvalidOperationException(
                $"PostgreSQL refuses to run as root, and there is no '{Superuser}' user to run it as (Debian's postgresql package creates it: apt-get install postgresql)");
    }

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "postgres"));

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private sealed class PortTakenException : Exception;
}
