using CeasefireWatch.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// <c>&lt;cw-time at="@instant" /&gt;</c>: an instant inside a machine-readable <c>&lt;time&gt;</c> element, first in
/// the zone the person works in (Kyiv unless they chose UTC), then in the other one, day-month-year.
/// </summary>
[HtmlTargetElement("cw-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class TimeTagHelper : TagHelper
{
    public DateTime? At { get; set; }

    /// <summary>Only the person's zone, to the minute (for dense tables); the other zone is in the tooltip.</summary>
    public bool Compact { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagMode = TagMode.StartTagAndEndTag;
        if (At is not { } at)
        {
            output.TagName = "span";
            output.Attributes.SetAttribute("class", "muted");
            output.Content.SetContent("—");
            return;
        }

        var zone = ZonePreference.Of(ViewContext?.HttpContext);
        var other = zone == TimeInputZone.Kyiv ? TimeInputZone.Utc : TimeInputZone.Kyiv;
        output.TagName = "time";
        output.Attributes.SetAttribute("datetime", UtcFormat.Iso(at));
        output.Attributes.SetAttribute("title", ZoneTime.Format(at, other, seconds: true));
        output.Content.SetHtmlContent(string.Empty);
        output.Content.Append(ZoneTime.Format(at, zone, seconds: !Compact));
        if (!Compact)
        {
            output.Content.AppendHtml("<span class=\"kyiv\">");
            output.Content.Append(ZoneTime.Format(at, other, seconds: true));
            output.Content.AppendHtml("</span>");
        }
    }
}
