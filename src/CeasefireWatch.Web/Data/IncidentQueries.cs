using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Data;

internal static class IncidentQueries
{
    /// <summary>The incident to change, tracked; its history is not loaded (appending does not need it).</summary>
    public static async Task<Incident> GetForUpdateAsync(this DbSet<Incident> incidents, int id, CancellationToken ct) =>
        await incidents.FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw NotFoundException.Incident(id);
}
