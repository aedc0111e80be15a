using CeasefireWatch.Web.Data;

namespace CeasefireWatch.Web.Features.Dashboard;

/// <summary>
/// The outlines of Ukraine's regions that the dashboard draws as its map, offline: the geometry of the npm package
/// <c>@svg-maps/ukraine</c> (CC BY 4.0), simplified once by <c>seeds/map/build-region-map.mjs</c> and embedded from
/// <c>seeds/map/ukraine-regions.json</c>. Regions are keyed by the contract's oblast names; Sevastopol, which the
/// source draws as part of Crimea, is a marker.
/// </summary>
public sealed class RegionMap
{
    /// <summary>The SVG view box the outlines are drawn in.</summary>
    public required string ViewBox { get; init; }

    /// <summary>
    /// The view box widened by <paramref name="margin"/> units left and right: room for a label at the edge that is
    /// longer than its region is wide (Закарпатська), which the SVG would otherwise cut off.
    /// </summary>
    public string ViewBoxWidened(int margin)
    {
        var box = ViewBox.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{box[0] - margin} {box[1]} {box[2] + (2 * margin)} {box[3]}");
    }

    /// <summary>The source and its licence, as the attribution under the map states it.</summary>
    public required string Source { get; init; }

    public required IReadOnlyList<Outline> Regions { get; init; }

    public required IReadOnlyList<Marker> Markers { get; init; }

    /// <summary>A region's outline as SVG path data, and a point well inside it for its label.</summary>
    public sealed record Outline(string Name, string Path, int LabelX, int LabelY);

    /// <summary>A region too small to draw at this scale, shown as a dot.</summary>
    public sealed record Marker(string Name, int X, int Y);

    public static RegionMap Load() => SeedData.Read<RegionMap>("map.ukraine-regions.json");
}
