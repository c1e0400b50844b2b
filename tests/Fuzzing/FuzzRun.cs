using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Tests.Fuzzing;

/// <summary>
/// Runs one fuzzing property: <see cref="Cases"/> inputs, each of which must get a result or the
/// component's own refusal (anything else the property lets escape fails the run with FsCheck's
/// replay seed), and none may take longer than <see cref="MaxCaseDuration"/> (a hang or a
/// quadratic blow-up on a bounded input is a bug too). Prints <c>RESULT</c> lines for bench/fuzz.sh.
/// </summary>
/// <remarks>Linked into every test project that fuzzes (tests/Fuzzing), so the case count has one source.</remarks>
internal static class FuzzRun
{
    /// <summary>Cases per property in CI.</summary>
    public const int DefaultCases = 10_000;

    /// <summary>Raises (or lowers) the case count: bench/fuzz.sh sets 1,000,000.</summary>
    public const string CasesVariable = "SM_FUZZ_CASES";

    /// <summary>The xunit trait every fuzzing property carries (bench/fuzz.sh filters on it).</summary>
    public const string Category = "Fuzz";

    /// <summary>
    /// Wall-clock time, so generous: a case of at most <see cref="FuzzInputs.MaxLength"/> takes well under
    /// 100 ms (under 1 s at a load average of 20 on 2 cores); a hang or a quadratic walk over 64 Ki takes far longer.
    /// </summary>
    public static readonly TimeSpan MaxCaseDuration = TimeSpan.FromSeconds(5);

    public static int Cases { get; } = ReadCases();

    /// <summary>Checks <paramref name="property"/> on <see cref="Cases"/> inputs from <paramref name="inputs"/>.</summary>
    /// <param name="name">Names the property in the RESULT lines, e.g. <c>hocon</c>.</param>
    public static void Check<T>(ITestOutputHelper output, string name, Gen<T> inputs, Action<T> property)
    {
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true), Prop.ForAll(inputs.ToArbitrary(), (T input) =>
        {
            var started = Stopwatch.GetTimestamp();
            property(input);
            var took = Stopwatch.GetElapsedTime(started);
            Assert.True(took <= MaxCaseDuration, $"one case took {took.TotalSeconds:0.0} s (limit {MaxCaseDuration.TotalSeconds} s)");
            slowest = took > slowest ? took : slowest;
        }));
        total.Stop();
        output.WriteLine($"RESULT fuzz.{name}.cases={Cases} unit=cases");
        output.WriteLine($"RESULT fuzz.{name}.cases_per_s={Cases / total.Elapsed.TotalSeconds:0} unit=cases/s");
        output.WriteLine($"RESULT fuzz.{name}.slowest_case_ms={slowest.TotalMilliseconds:0.###} unit=ms");
    }

    private static int ReadCases()
    {
        var text = Environment.GetEnvironmentVariable(CasesVariable);
        if (string.IsNullOrEmpty(text))
        {
            return DefaultCases;
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cases) && cases > 0
            ? cases
            : throw new InvalidOperationException($"{CasesVariable}='{text}' must be a positive whole number");
    }
}
