using System.Text.Json;
using System.Text.Json.Serialization;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// The reference data of <c>seeds/</c>, embedded in the assembly at build time so the app carries it
/// wherever it runs.
/// </summary>
public sealed class SeedData
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        TypeInfoResolver = SeedJsonContext.Default,
    };

    public required IReadOnlyList<Region> Regions { get; init; }

    public required CoalitionSeed Coalition { get; init; }

    public required PolicySeed Policy { get; init; }

    public static SeedData Load() => new()
    {
        Regions = Read<List<Region>>("regions.json"),
        Coalition = Read<CoalitionSeed>("coalition.json"),
        Policy = Read<PolicySeed>("policy.json"),
    };

    /// <summary>
    /// A fingerprint of the embedded seed files (never 0, SQLite's user_version of a database never seeded): the start
    /// re-seeds only when it differs from the one stored with the database.
    /// </summary>
    public static int Fingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var name in (string[])["regions.json", "coalition.json", "policy.json"])
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var stream = Open(name);
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            hash.AppendData(bytes.GetBuffer(), 0, (int)bytes.Length);
        }

        var fingerprint = BitConverter.ToInt32(hash.GetCurrentHash(), 0);
        return fingerprint == 0 ? 1 : fingerprint;
    }

    /// <summary>Reads the embedded seed file <c>seeds/</c><paramref name="name"/> (a sub-folder separated by a dot).</summary>
    internal static T Read<T>(string name)
    {
        using var stream = Open(name);
        return JsonSerializer.Deserialize<T>(stream, Json)
            ?? throw new InvalidOperationException($"The seed file seeds/{name} is empty.");
    }

    private static Stream Open(string name)
    {
        var assembly = typeof(SeedData).Assembly;
        return assembly.GetManifestResourceStream("seeds." + name)
            ?? throw new InvalidOperationException($"The seed file seeds/{name} is not embedded in {assembly.GetName().Name}.");
    }
}

/// <summary>
/// The seed files' shapes, read by serializer code generated at build time: the reflection-based serializer built
/// its readers on first use (about 600 methods compiled, with Reflection.Emit), and the map is read at each start.
/// </summary>
[JsonSerializable(typeof(List<Region>))]
[JsonSerializable(typeof(CoalitionSeed))]
[JsonSerializable(typeof(PolicySeed))]
[JsonSerializable(typeof(Features.Dashboard.RegionMap))]
internal sealed partial class SeedJsonContext : JsonSerializerContext;

public sealed class PolicySeed
{
    public TimeSpan Tier2After { get; init; }

    public TimeSpan Tier3After { get; init; }

    public IReadOnlyList<PolicyTier> Tiers { get; init; } = [];
}

public sealed class CoalitionSeed
{
    public DateOnly Announced { get; init; }

    public string AnnouncedBy { get; init; } = string.Empty;

    /// <summary>The same in Ukrainian, for the Ukrainian page (seed text, like a region's NameUk, not a UI resource).</summary>
    public string AnnouncedByUk { get; init; } = string.Empty;

    public int MemberCount { get; init; }

    public string Note { get; init; } = string.Empty;

    public string NoteUk { get; init; } = string.Empty;

    public IReadOnlyList<CoalitionMember> Members { get; init; } = [];
}
