using System.Runtime.InteropServices;
using System.Threading.Channels;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// The native heap's free memory handed back to the system (docs/performance.md, the soak): glibc's <c>malloc_trim</c>
/// really gives back pages freed under a chunk still in use, and the app calls it once a minute on its clock.
/// Alone, not beside other tests: their apps trim too whenever their clocks pass a minute, and a trim between the free
/// and the first count would have given the pages back already.
/// </summary>
[Collection(nameof(NativeHeapTrimmerTests))]
[CollectionDefinition(nameof(NativeHeapTrimmerTests), DisableParallelization = true)]
public sealed class NativeHeapTrimmerTests
{
    /// <summary>A bound for awaiting what should already be happening; not a delay.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task It_trims_once_a_minute_on_the_apps_clock_and_stops_with_the_host()
    {
        var clock = new FakeTimeProvider(CeasefireWatchFactory.StartInstant);
        var trims = Channel.CreateUnbounded<DateTimeOffset>();
        using var trimmer = new NativeHeapTrimmer(clock, NullLogger<NativeHeapTrimmer>.Instance, () => trims.Writer.TryWrite(clock.GetUtcNow()));
        await trimmer.StartAsync(Ct);

        clock.Advance(NativeHeapTrimmer.Interval - TimeSpan.FromSeconds(1));
        Assert.False(trims.Reader.TryRead(out _));
        for (var minute = 1; minute <= 3; minute++)
        {
            clock.Advance(minute == 1 ? TimeSpan.FromSeconds(1) : NativeHeapTrimmer.Interval);
            Assert.Equal(CeasefireWatchFactory.StartInstant + (minute * NativeHeapTrimmer.Interval), await trims.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct));
        }

        await trimmer.StopAsync(Ct);
        clock.Advance(NativeHeapTrimmer.Interval * 2);
        Assert.True(trimmer.ExecuteTask!.IsCompletedSuccessfully);
        Assert.False(trims.Reader.TryRead(out _));
    }

    [Fact]
    public async Task The_app_runs_it()
    {
        await using var app = new CeasefireWatchFactory();

        Assert.Single(app.Services.GetServices<IHostedService>().OfType<NativeHeapTrimmer>());
    }

    [Fact]
    public async Task A_trim_gives_back_the_pages_freed_under_a_chunk_still_in_use()
    {
        nint glibc = 0;
        Assert.SkipUnless(OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out glibc), "malloc_trim is glibc's.");
        var residency = Marshal.GetDelegateForFunctionPointer<Mincore>(NativeLibrary.GetExport(glibc, "mincore"));
        const int Blocks = 1280;
        const int BlockSize = 64 * 1024; // below glibc's mmap threshold (128 KB): from an arena, not a mapping of its own

        // 80 MB written on one thread, then every other block freed: 40 MB of holes, each between two chunks still in
        // use, which is how glibc's arenas keep freed memory (it gives back on its own only the free memory at an end).
        // Counted in the holes themselves (mincore), so what other threads do elsewhere in a shared arena counts for nothing.
        var (resident, left, released) = await Task.Factory.StartNew(() =>
        {
            var written = new byte[BlockSize];
            Array.Fill(written, (byte)0xA5);
            var blocks = new nint[Blocks];
            for (var i = 0; i < Blocks; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(BlockSize); // malloc, on Unix
                Marshal.Copy(written, 0, blocks[i], BlockSize);
            }

            var holes = new List<nint>();
            try
            {
                for (var i = 0; i < Blocks; i += 2)
                {
                    Marshal.FreeHGlobal(blocks[i]);
                    holes.Add(blocks[i]);
                    blocks[i] = 0;
                }

                var before = ResidentPages(residency, holes, BlockSize);
                var gaveBack = NativeHeap.Trim();
                return (Before: before, After: ResidentPages(residency, holes, BlockSize), GaveBack: gaveBack);
            }
            finally
            {
                foreach (var block in blocks.Where(b => b != 0))
                {
                    Marshal.FreeHGlobal(block);
                }
            }
        }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Assert.True(resident.Pages > 0 && resident.Resident == resident.Pages, $"{resident.Resident} of the holes' {resident.Pages} pages resident before the trim.");
        Assert.True(released);

        // glibc's trim gives back every page wholly inside a free chunk, past its bookkeeping at the start; another
        // thread sharing the arena may have put a small allocation into a hole since, hence not all.
        Assert.True(left.Resident <= left.Pages / 10, $"{left.Resident} of the holes' {left.Pages} pages still resident after the trim.");
    }

    private delegate int Mincore(nint address, nuint length, byte[] residency);

    /// <summary>
    /// The pages wholly inside the freed blocks, past the pointers glibc writes at the start of a free chunk, and how many of them are
    /// resident (mincore: bit 0 of a byte per page).
    /// </summary>
    private static (int Pages, int Resident) ResidentPages(Mincore mincore, IReadOnlyList<nint> holes, int blockSize)
    {
        var page = Environment.SystemPageSize;
        int pages = 0, resident = 0;
        var vector = new byte[blockSize / page];
        foreach (var hole in holes)
        {
            var first = (hole + 64 + page - 1) & ~(nint)(page - 1);
            var end = (hole + blockSize - 64) & ~(nint)(page - 1);
            var count = (int)((end - first) / page);
            Assert.Equal(0, mincore(first, (nuint)(end - first), vector));
            pages += count;
            resident += vector.Take(count).Count(b => (b & 1) != 0);
        }

        return (pages, resident);
    }
}
