using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Form and query numbers read as a person writes them: plain decimal digits. MVC's own binder goes through
/// type converters that read "0x10" as 16 and " 1e3" as 1000 — a number nobody typed would be stored.
/// </summary>
public sealed class StrictNumberModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.Metadata.UnderlyingOrModelType;
        return type == typeof(int) || type == typeof(long) || type == typeof(double) ? new StrictNumberModelBinder() : null;
    }
}

public sealed partial class StrictNumberModelBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var result = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (result == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, result);
        var text = result.FirstValue?.Trim();
        var metadata = bindingContext.ModelMetadata;
        var type = metadata.UnderlyingOrModelType;
        if (string.IsNullOrEmpty(text))
        {
            if (metadata.IsReferenceOrNullableType)
            {
                bindingContext.Result = ModelBindingResult.Success(null);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"Enter a value for {metadata.DisplayName ?? metadata.Name}.");
            }

            return Task.CompletedTask;
        }

        var value = Parse(text, type);

        if (value is null)
        {
            var what = type == typeof(double) ? "a decimal number such as 48.5" : "a whole number written in digits";
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"{metadata.DisplayName ?? metadata.Name} must be {what}, not '{text}'.");
            return Task.CompletedTask;
        }

        bindingContext.Result = ModelBindingResult.Success(value);
        return Task.CompletedTask;
    }

    /// <summary>The number, boxed as <paramref name="type"/>; null when the text is not one written plainly.</summary>
    private static object? Parse(string text, Type type)
    {
        if (type == typeof(double))
        {
            return Decimal().IsMatch(text)
                && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
                ? d
                : null;
        }

        if (!Integer().IsMatch(text) || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return null;
        }

        if (type == typeof(long))
        {
            return l;
        }

        return l is >= int.MinValue and <= int.MaxValue ? (int)l : null;
    }

    [GeneratedRegex(@"^-?\d{1,18}$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^-?\d{1,15}(\.\d{1,15})?$")]
    private static partial Regex Decimal();
}
