using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Escalation;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Pages;

/// <summary>The framework at a glance: the tiers with the windows in force, the regions, the coalition.</summary>
public sealed class ReferenceModel(IOptions<EscalationOptions> options) : PageModel
{
    public SeedData Seeds { get; } = SeedData.Load();

    public EscalationOptions Windows { get; } = options.Value;

    public void OnGet()
    {
    }
}
