using Microsoft.Extensions.Logging;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>Keeps what is logged at Information and above, for tests that assert what (and how often) a class logs.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, Exception? Exception)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // Hosted services log from pool threads while a test reads.
        lock (Entries)
        {
            Entries.Add((logLevel, exception));
        }
    }

    /// <summary>The entries so far, read under the same lock the logging takes.</summary>
    public (LogLevel Level, Exception? Exception)[] Snapshot()
    {
        lock (Entries)
        {
            return [.. Entries];
        }
    }
}
