# The performance-target grid (绩效目标申报表) on the one indicator model: operator, polarity, qualitative value.

from django.db import migrations, models


def derive(apps, schema_editor):
    """Existing indicators: the operator follows the direction (≥ / ≤); an at-most indicator is reverse
    (less is better), every other one positive."""
    Indicator = apps.get_model("responsibility", "Indicator")
    Indicator.objects.filter(direction="le").update(operator="le", polarity="reverse")
    Indicator.objects.exclude(direction="le").update(operator="ge", polarity="positive")


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0002_stored_content_type")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="operator",
            field=models.CharField(
                choices=[("ge", "≥"), ("le", "≤"), ("eq", "="), ("qual", "定性")],
                default="ge",
                max_length=4,
                verbose_name="指标值符号",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="polarity",
            field=models.CharField(
                choices=[("positive", "正向"), ("reverse", "反向")],
                default="positive",
                max_length=8,
                verbose_name="指标性质",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="qualitative_value",
            field=models.CharField(
                blank=True, help_text="定性指标的目标表述，如“明显改善”", max_length=100, verbose_name="定性指标值"
            ),
        ),
        migrations.RunPython(derive, migrations.RunPython.noop),
    ]
