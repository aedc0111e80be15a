using Microsoft.AspNetCore.Razor.TagHelpers;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// <c>&lt;cw-time at="@instant" /&gt;</c>: an instant shown in UTC and Kyiv local time side by side,
/// inside a machine-readable <c>&lt;time&gt;</c> element.
/// </summary>
[HtmlTargetElement("cw-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class TimeTagHelper : TagHelper
{
    public DateTime? At { get; set; }

    /// <summary>Show only the UTC time (for dense tables).</summary>
    public bool Compact { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagMode = TagMode.StartTagAndEndTag;
        if (At is not { } at)
        {
            output.TagName = "span";
            output.Attributes.SetAttribute("class", "muted");
            output.Content.SetContent("—");
            return;
        }

        output.TagName = "time";
        output.Attributes.SetAttribute("datetime", UtcFormat.Iso(at));
        output.Attributes.SetAttribute("title", $"Kyiv {KyivTime.Format(at)}");
        output.Content.SetHtmlContent(string.Empty);
        output.Content.Append(UtcFormat.Format(at));
        if (!Compact)
        {
            output.Content.AppendHtml("<span class=\"kyiv\">");
            output.Content.Append($"Kyiv {KyivTime.Format(at)}");
            output.Content.AppendHtml("</span>");
        }
    }
}
