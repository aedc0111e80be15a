using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CeasefireWatch.Web.Data;

/// <summary>One of Ukraine's regions, seeded from <c>seeds/regions.json</c>.</summary>
public sealed class Region
{
    /// <summary>The canonical English name of CONTRACT.md.</summary>
    public string Name { get; set; } = string.Empty;

    public string NameUk { get; set; } = string.Empty;

    /// <summary>oblast, city (Kyiv City, Sevastopol) or autonomous-republic (Crimea).</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Other spellings seen in public datasets (for example "Vinnytska oblast"), for import matching.</summary>
    public List<string> Aliases { get; set; } = [];
}

/// <summary>
/// A Coalition of the Willing member and its stated contribution. Seeded once from <c>seeds/coalition.json</c> (the
/// members the source names, the UK and France as leads); administrators maintain the roster from then on.
/// </summary>
public sealed class CoalitionMember
{
    public string Country { get; set; } = string.Empty;

    public string Iso2 { get; set; } = string.Empty;

    /// <summary>A lead of the coalition (the UK and France): their acknowledgement is a tier-2 checklist item.</summary>
    public bool Lead { get; set; }

    public string Contribution { get; set; } = string.Empty;
}

/// <summary>One tier of the framework as seeded from <c>seeds/policy.json</c>: who responds and the default window.</summary>
public sealed class PolicyTier
{
    public Domain.Stage Stage { get; set; }

    public int Number { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Responder { get; set; } = string.Empty;

    /// <summary>The default delay after T0 at which the tier falls due.</summary>
    public TimeSpan DefaultAfter { get; set; }
}

internal sealed class ReferenceDataConfiguration :
    IEntityTypeConfiguration<Region>, IEntityTypeConfiguration<CoalitionMember>, IEntityTypeConfiguration<PolicyTier>
{
    public void Configure(EntityTypeBuilder<Region> region)
    {
        region.HasKey(r => r.Name);
        region.Property(r => r.Name).HasMaxLength(32);
        region.Property(r => r.NameUk).HasMaxLength(64);
        region.Property(r => r.Kind).HasMaxLength(32);
    }

    public void Configure(EntityTypeBuilder<CoalitionMember> member)
    {
        member.HasKey(m => m.Country);
        member.Property(m => m.Country).HasMaxLength(64);
        member.Property(m => m.Iso2).HasMaxLength(2);
        member.Property(m => m.Contribution).HasMaxLength(1000);
    }

    public void Configure(EntityTypeBuilder<PolicyTier> tier)
    {
        tier.HasKey(t => t.Stage);
        tier.Property(t => t.Name).HasMaxLength(64);
        tier.Property(t => t.Responder).HasMaxLength(1000);
    }
}
