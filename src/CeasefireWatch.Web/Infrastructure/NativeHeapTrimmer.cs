using System.Runtime.InteropServices;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Hands the native heap's free memory back to the system every <see cref="Interval"/> (Linux with glibc only;
/// docs/performance.md, the native heap round). The runtime, its JIT and SQLite (nine in ten of the calls) allocate with
/// glibc's malloc, and glibc keeps what they free: a thread takes an arena of its own (up to eight per core), and an
/// arena gives back on its own only the free memory at its very end, so a page freed under a chunk still in use stays
/// resident. Under the soak's steady mix the memory glibc held grew about a megabyte a minute while what was in use
/// stayed at 12–15 MB (heaptrack); one <c>malloc_trim</c> gave back ~30 MB, and one a minute slowed the growth by about a
/// third. What held it flat is <c>MALLOC_ARENA_MAX=2</c>, which glibc reads from the environment before <c>Main</c>
/// (<c>dotnet run</c> sets it; docs/operations.md): the same cap set from <c>Main</c>, after the runtime's own threads
/// had taken their arenas, made the growth faster.
/// </summary>
internal sealed partial class NativeHeapTrimmer : BackgroundService
{
    /// <summary>Often enough that a minute's growth is all that piles up; a trim took ~1 ms here (it logs its time at Debug).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider clock;
    private readonly ILogger<NativeHeapTrimmer> logger;
    private readonly Func<bool>? trim;

    /// <summary>Made in <see cref="StartAsync"/>, not in <see cref="ExecuteAsync"/>, which .NET 10 runs on another thread: the first minute counts from the start.</summary>
    private PeriodicTimer? timer;

    public NativeHeapTrimmer(TimeProvider clock, ILogger<NativeHeapTrimmer> logger)
        : this(clock, logger, NativeHeap.CanTrim ? NativeHeap.Trim : null)
    {
    }

    /// <summary>For the tests: <paramref name="trim"/> in place of glibc's (null: there is nothing to trim).</summary>
    internal NativeHeapTrimmer(TimeProvider clock, ILogger<NativeHeapTrimmer> logger, Func<bool>? trim)
    {
        this.clock = clock;
        this.logger = logger;
        this.trim = trim;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        timer = trim is null ? null : new PeriodicTimer(Interval, clock);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (timer is null || trim is null)
        {
            return;
        }

        using var minutes = timer;
        try
        {
            while (await minutes.WaitForNextTickAsync(stoppingToken))
            {
                var started = clock.GetTimestamp();
                var released = trim();
                LogTrimmed(released, clock.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Native heap trimmed in {Milliseconds:0.0} ms; memory given back: {Released}.")]
    private partial void LogTrimmed(bool released, double milliseconds);
}

/// <summary>glibc's <c>malloc_trim</c>, where the C library is glibc (its <c>libc.so.6</c>; musl's has another name and no arenas).</summary>
internal static class NativeHeap
{
    private delegate int MallocTrim(nuint pad);

    private static readonly MallocTrim? MallocTrimFunction = Find();

    internal static bool CanTrim => MallocTrimFunction is not null;

    /// <summary>Gives every arena's free pages back to the system; true if any were.</summary>
    internal static bool Trim() => MallocTrimFunction?.Invoke(0) == 1;

    private static MallocTrim? Find() =>
        OperatingSystem.IsLinux()
        && NativeLibrary.TryLoad("libc.so.6", out var glibc)
        && NativeLibrary.TryGetExport(glibc, "malloc_trim", out var function)
            ? Marshal.GetDelegateForFunctionPointer<MallocTrim>(function)
            : null;
}
