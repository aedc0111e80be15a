using System.Collections.Concurrent;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// The keys machine callers presented recently, by secret hash, so a pipeline posting thousands of reports a second
/// is not one extra database read per report (docs/performance.md). Only valid keys are kept; an unknown key always
/// goes to the database (and to the guessing guard). A revocation in this process removes its key at once
/// (<see cref="Forget"/>); anything else that changes a key (another instance, an edit by hand) is seen within
/// <see cref="Lifetime"/>.
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock)
{
    /// <summary>How long a key read from the database is believed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    /// <summary>A bound on memory: past it the cache starts again (there are a handful of keys in practice).</summary>
    private const int MaxKeys = 1024;

    public sealed record Key(int Id, string Name, string Role, DateTime? LastUsedAt);

    private sealed record Entry(Key Key, long ReadAt);

    private readonly ConcurrentDictionary<string, Entry> keys = new(StringComparer.Ordinal);

    /// <summary>
    /// The keys revoked in this process. Revocation is final, so a key once revoked is never remembered again: a request
    /// that read it from the database just before the revocation committed, and remembers it just after
    /// <see cref="Forget"/>, must not put it back for another <see cref="Lifetime"/>.
    /// </summary>
    private readonly ConcurrentDictionary<int, byte> revoked = new();

    public Key? Find(string secretHash) =>
        keys.TryGetValue(secretHash, out var entry) && clock.GetElapsedTime(entry.ReadAt) < Lifetime ? entry.Key : null;

    public void Remember(string secretHash, Key key)
    {
        if (revoked.ContainsKey(key.Id))
        {
            return;
        }

        if (keys.Count >= MaxKeys)
        {
            keys.Clear();
        }

        keys[secretHash] = new Entry(key, clock.GetTimestamp());
        if (revoked.ContainsKey(key.Id))
        {
            // Revoked while this was being written: Forget marks the key before it sweeps, so one of the two removes it.
            keys.TryRemove(secretHash, out _);
        }
    }

    /// <summary>After a key is revoked here: its next call reads the database and gets 401.</summary>
    public void Forget(int keyId)
    {
        if (revoked.Count >= MaxKeys)
        {
            revoked.Clear();
        }

        revoked[keyId] = 0;
        foreach (var (hash, entry) in keys)
        {
            if (entry.Key.Id == keyId)
            {
                keys.TryRemove(hash, out _);
            }
        }
    }
}
