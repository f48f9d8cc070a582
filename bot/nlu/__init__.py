"""Custom NLU components used in config.yml. The Rasa server imports this
package when it loads the model, which is where our Rasa speed fix is applied."""

from bot import rasa_patches

rasa_patches.apply()
