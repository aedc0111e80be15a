using System.Globalization;
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
/// </summary>
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
        Assert.SkipUnless(OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out _), "malloc_trim is glibc's.");
        const int Blocks = 1280;
        const int BlockSize = 64 * 1024; // below glibc's mmap threshold (128 KB): from an arena, not a mapping of its own
        const long Freed = Blocks / 2 * (long)BlockSize;

        // 80 MB written on one thread, then every other block freed: 40 MB of holes, each between two chunks still in
        // use, which is how glibc's arenas keep freed memory (it gives back on its own only the free memory at an end).
        var (resident, trimmed, released) = await Task.Factory.StartNew(() =>
        {
            var written = new byte[BlockSize];
            Array.Fill(written, (byte)0xA5);
            var blocks = new nint[Blocks];
            for (var i = 0; i < Blocks; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(BlockSize); // malloc, on Unix
                Marshal.Copy(written, 0, blocks[i], BlockSize);
            }

            var mappings = blocks.Select(MappingStart).Distinct().ToList();
            try
            {
                for (var i = 0; i < Blocks; i += 2)
                {
                    Marshal.FreeHGlobal(blocks[i]);
                    blocks[i] = 0;
                }

                var before = Resident(mappings);
                var gaveBack = NativeHeap.Trim();
                return (Before: before, After: Resident(mappings), GaveBack: gaveBack);
            }
            finally
            {
                foreach (var block in blocks.Where(b => b != 0))
                {
                    Marshal.FreeHGlobal(block);
                }
            }
        }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Assert.True(resident >= 2 * Freed, $"{resident / 1024} KB resident after the free, {2 * Freed / 1024} KB written.");
        Assert.True(released);

        // Each hole gives back the pages wholly inside it, past glibc's bookkeeping at its start: 15 or 16 of its 16.
        Assert.True(resident - trimmed >= Freed * 85 / 100, $"The trim gave back {(resident - trimmed) / 1024} KB of the {Freed / 1024} KB freed.");
    }

    /// <summary>The start of the mapping in /proc/self/maps that holds <paramref name="address"/>.</summary>
    private static long MappingStart(nint address) => Mappings()
        .Single(m => m.Start <= address && address < m.End).Start;

    /// <summary>The resident bytes of the given mappings, from /proc/self/smaps.</summary>
    private static long Resident(IReadOnlyCollection<long> mappingStarts)
    {
        long total = 0;
        var counting = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (Range(line) is { } range)
            {
                counting = mappingStarts.Contains(range.Start);
            }
            else if (counting && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return total;
    }

    private static IEnumerable<(long Start, long End)> Mappings() =>
        File.ReadLines("/proc/self/maps").Select(Range).OfType<(long, long)>();

    /// <summary>A mapping's header line ("start-end perms ..."), or null for the other lines of smaps.</summary>
    private static (long Start, long End)? Range(string line)
    {
        var first = line.Split(' ', 2)[0];
        var dash = first.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && long.TryParse(first.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            && long.TryParse(first.AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
            ? (start, end)
            : null;
    }
}
